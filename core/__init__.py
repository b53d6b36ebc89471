"""What the converter, the index and the site share: the Vietnamese text basics, the document record and the
archive's configuration. Depends on nothing else of this project."""
