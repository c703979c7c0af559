# Refusals and errors. Id: err-{what}. Say what is wrong, where, and what to do.
err-untranslated = { $message }
err-storage = База данных не ответила; ничего не изменено. Повторите, а если повторится — сообщите администратору.
