"""python -m classroom_ops.sandbox --port 0 --info-file F [--state-dir D] [--seed S.json]"""

from __future__ import annotations

import argparse

from .service import serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m classroom_ops.sandbox",
                                     description="Run the fake GitHub in the foreground.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--state-dir", default=None,
                        help="keep state and git repositories here across restarts")
    parser.add_argument("--seed", default=None, help="JSON file: {orgs: [...], users: [...]}")
    parser.add_argument("--info-file", default=None,
                        help="write {api_url, git_url, admin_token, pid} here once listening")
    parser.add_argument("--generate-delay", type=float, default=0.0,
                        help="seconds a generated repository stays empty")
    args = parser.parse_args(argv)
    serve(args.host, args.port, args.state_dir, args.seed, args.info_file, args.generate_delay)


if __name__ == "__main__":
    main()
