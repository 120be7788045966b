"""The lookup index the portal reads: written by `jiaozao build` beside the site."""
