"""Data files shipped with briefgen: abbreviations, stop words and the like."""
