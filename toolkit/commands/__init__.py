"""One module per command or command group; each is thin: options in, library call, rendered result out."""
