# Shared by the benchmark scripts (sourced): a free loopback port. The PostgreSQL scripts add
# benchmarks/postgres/common.sh (a private server), the Redis ones benchmarks/redis/common.sh.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
