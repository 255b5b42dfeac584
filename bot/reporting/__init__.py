"""The weekly team report (issue 12): drawing its chart; the data and the upload live elsewhere."""
