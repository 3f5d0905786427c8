"""The command line: click commands over the core, and their Rich output."""
