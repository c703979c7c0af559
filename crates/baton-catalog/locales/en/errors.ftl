# Refusals and errors. Id: err-{what}. Say what is wrong, where, and what to do.
err-untranslated = { $message }
err-storage = The database failed to answer; nothing was changed. Try again, and tell the administrator if it repeats.
