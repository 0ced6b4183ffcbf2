"""The register layer: Excel workbooks read by header name and written without losing what staff added."""
