# Refusals and errors. Id: err-{what}. Say what is wrong, where, and what to do.
err-untranslated = { $message }
err-storage = The database failed to answer; nothing was changed. Try again, and tell the administrator if it repeats.

## The web and the API
api-too-many-logins = too many failed logins; try again in { $seconds } s
api-give-period = give the period: ?period=YYYY-MM
api-give-param = give ?{ $field }={ $shape }
api-log-in-first = log in first: POST /api/auth/login, then send Authorization: Bearer <token>
api-too-large = the request body is larger than { $bytes } bytes; send less at once
api-bad-body = the request body cannot be read: { $error }
api-trailing-json = the request body has data after its JSON document: { $error }
api-bad-json = the request body is not valid: { $error }
api-bad-query = the query string is not valid: { $error }
api-not-whole = «{ $value }» is not a whole number
api-open-flag = «{ $value }»: write open=1 or open=0
api-no-route = { $method } { $path } is not a Baton endpoint; see /api/openapi.json
api-wrong-method = { $path } does not take { $method }; see /api/openapi.json
web-bad-header = the Authorization or Cookie header cannot be read
web-other-site = the request came from another site (Origin or Referer does not match this host)
web-csrf-header-wrong = the X-CSRF-Token header is not this session's token
web-csrf-header-missing = a request authenticated by the session cookie must send the X-CSRF-Token header (the content of <meta name="csrf-token">); API clients may send Authorization: Bearer instead
web-form-stale = the form has no valid CSRF token; reload the page and try again
web-form-too-large = the form is too large
