/* Runs Material's palette script where Material placed it inline (see material-inline.js). */
__md_palette();
