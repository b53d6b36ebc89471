"""What the converter, the search index and the site share: Vietnamese text basics, the document record, configuration."""
