import sys

from gsmcall.cli import main

sys.exit(main())
