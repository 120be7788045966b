"""One module per jiaozao command; each has register(subparsers) and a run(args) handler."""
