"""Every change to customers and their commerce data, one function per use case."""
