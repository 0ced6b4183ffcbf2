"""The RvC's integrity report: pure figures (figures, model), one gateway to the registers, writers per format."""
