"""Commands: one module per command. Each takes the resolved Settings and its arguments, writes
its output and returns the exit code; cli.py only parses the command line."""
