package dev.telltale.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The per-key commands of one SCAN page run as one server-side script (EVALSHA), so that the client sends
 * and decodes one command per page instead of three or four per key: what makes a full walk of a big
 * keyspace cheap on the client. The keys travel as arguments (they are the node's own, from its SCAN). The
 * script only reads; on a server that refuses scripts (ACL, disabled EVAL) the walk falls back to
 * pipelining the same commands. The script also reads the server's keyspace_hits / keyspace_misses before
 * and after its lookups (INFO stats; nothing else runs meanwhile) and reports them to {@link OwnLookups}.
 */
final class KeyFactsScript {
    static final String SOURCE = """
            local samples = ARGV[1]
            local want_size, want_ttl, recency = ARGV[2] == '1', ARGV[3] == '1', ARGV[4]
            local count = { hash = 'HLEN', set = 'SCARD', zset = 'ZCARD', list = 'LLEN', stream = 'XLEN' }
            local function lookups()
              local info = redis.pcall('INFO', 'stats')
              if type(info) ~= 'string' then return nil end
              local h = tonumber(string.match(info, 'keyspace_hits:(%%d+)'))
              local m = tonumber(string.match(info, 'keyspace_misses:(%%d+)'))
              if h == nil or m == nil then return nil end
              return { h, m }
            end
            local before = lookups()
            local out = {}
            for i = 5, #ARGV do
              local k = ARGV[i]
              local freq = false
              if recency ~= '' then
                local r = redis.pcall('OBJECT', recency, k)
                if type(r) == 'number' then freq = r end
              end
              local t = redis.call('TYPE', k)['ok']
              local mem, size, ttl = false, false, false
              if t ~= 'none' then
                if want_size then
                  local r = redis.pcall('MEMORY', 'USAGE', k, 'SAMPLES', samples)
                  if type(r) == 'number' then mem = r end
                  if count[t] then
                    size = redis.call(count[t], k)
                  elseif t == 'string' and mem and mem >= %d then
                    size = redis.call('STRLEN', k)
                  end
                end
                if want_ttl then ttl = redis.call('PTTL', k) end
              end
              out[#out + 1] = t
              out[#out + 1] = mem
              out[#out + 1] = size
              out[#out + 1] = ttl
              out[#out + 1] = freq
            end
            local after = lookups()
            if before and after then
              out[#out + 1] = after[1] - before[1]
              out[#out + 1] = after[2] - before[2]
              out[#out + 1] = after[1] + after[2]
            end
            return out
            """.formatted(KeyspaceWalk.STRLEN_ABOVE);

    private final NodeClient node;
    private final OwnLookups own;
    private String sha;

    KeyFactsScript(NodeClient node) {
        this.node = node;
        this.own = node.ownLookups();
    }

    /** Loads the script; false when the server does not run scripts for us. */
    boolean load() {
        try {
            sha = node.sync().scriptLoad(SOURCE);
            return true;
        } catch (RedisCommandExecutionException e) {
            return false;
        }
    }

    /** Sends one page; {@link #read} waits for its answer. */
    RedisFuture<List<Object>> send(List<String> keys, Set<KeyspaceWalk.Need> needs, KeyspaceWalk.Recency recency, int samples) {
        String[] args = new String[4 + keys.size()];
        args[0] = String.valueOf(samples);
        args[1] = needs.contains(KeyspaceWalk.Need.SIZE) ? "1" : "0";
        args[2] = needs.contains(KeyspaceWalk.Need.TTL) ? "1" : "0";
        args[3] = switch (recency) {
            case FREQUENCY -> "FREQ";
            case IDLE -> "IDLETIME";
            case NONE -> "";
        };
        for (int i = 0; i < keys.size(); i++) {
            args[4 + i] = keys.get(i);
        }
        own.sending(node.node().address());
        return node.async().evalsha(sha, ScriptOutputType.MULTI, new String[0], args);
    }

    List<KeyspaceWalk.KeyFacts> read(List<String> keys, RedisFuture<List<Object>> answer, Set<KeyspaceWalk.Need> needs,
                                     KeyspaceWalk.Recency recency) throws Exception {
        List<Object> flat;
        try {
            flat = answer.get(node.timeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            own.abandon(node.node().address());
            throw new IllegalStateException("key walk script on " + node.node().address() + " failed: " + e.getCause().getMessage(), e.getCause());
        }
        List<KeyspaceWalk.KeyFacts> out = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            String type = String.valueOf(flat.get(5 * i));
            if ("none".equals(type)) {
                continue; // gone since SCAN
            }
            Long mem = number(flat.get(5 * i + 1));
            Long size = number(flat.get(5 * i + 2));
            if (size == null && "string".equals(type)) {
                size = mem; // a small string's memory is within a few dozen bytes of its length
            }
            out.add(KeyspaceWalk.KeyFacts.of(keys.get(i), type, mem, size, number(flat.get(5 * i + 3)), recency, number(flat.get(5 * i + 4))));
        }
        int tail = 5 * keys.size();
        if (flat.size() >= tail + 3) {
            own.settled(node.node().address(), number(flat.get(tail)), number(flat.get(tail + 1)), number(flat.get(tail + 2)));
        } else {
            // INFO refused inside scripts: count the lookups the commands above make, placed in the next window
            OwnLookups.Count c = KeyspaceWalk.lookups(keys.size(), out, needs, recency);
            own.settled(node.node().address(), c.hits(), c.misses(), -1);
        }
        return out;
    }

    private static Long number(Object o) {
        return o instanceof Number n ? n.longValue() : null;
    }
}
