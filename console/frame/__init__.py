"""The web frame beneath every staff task: the request (who asks, the checked form, the page), errors,
security headers, paging, downloads, uploads and their checks, problem rows and contact masking. Imports no task."""
