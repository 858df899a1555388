package dev.telltale.jvm.keys;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandArgsAccessor;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Feeds a {@link HotKeys} from Lettuce: the first key of every command the client sends, client-side,
 * so it works on servers without an LFU policy and costs the server nothing. Register with
 * {@code redisClient.addListener(new LettuceHotKeys(hotKeys))}. Commands without a key (PING, INFO,
 * AUTH) are skipped.
 */
public final class LettuceHotKeys implements CommandListener {
    private final HotKeys keys;

    public LettuceHotKeys(HotKeys keys) {
        this.keys = Objects.requireNonNull(keys, "keys");
    }

    @Override
    public void commandStarted(CommandStartedEvent event) {
        CommandArgs<Object, Object> args = event.getCommand().getArgs();
        if (args == null) {
            return;
        }
        ByteBuffer key = CommandArgsAccessor.encodeFirstKey(args);
        if (key != null) {
            keys.record(StandardCharsets.UTF_8.decode(key).toString());
        }
    }
}
