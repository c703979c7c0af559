# Refusals and errors. Id: err-{what}. Say what is wrong, where, and what to do.
err-untranslated = { $message }
err-storage = База данных не ответила; ничего не изменено. Повторите, а если повторится — сообщите администратору.

## The web and the API
api-too-many-logins = Слишком много неудачных входов; попробуйте через { $seconds } с.
api-give-period = Укажите период: ?period=ГГГГ-ММ
api-give-param = Укажите ?{ $field }={ $shape }
api-log-in-first = Сначала войдите: POST /api/auth/login, затем передавайте Authorization: Bearer <токен>
api-too-large = Тело запроса больше { $bytes } байт; отправляйте меньше за раз
api-bad-body = Тело запроса не читается: { $error }
api-trailing-json = После JSON-документа в теле запроса есть лишние данные: { $error }
api-bad-json = Тело запроса неверно: { $error }
api-bad-query = Параметры запроса неверны: { $error }
api-not-whole = «{ $value }» — не целое число
api-open-flag = «{ $value }»: укажите open=1 или open=0
api-no-route = { $method } { $path } — такого адреса в API Baton нет; список: /api/openapi.json
api-wrong-method = { $path } не принимает { $method }; список: /api/openapi.json
web-bad-header = Заголовок Authorization или Cookie не читается.
web-other-site = Запрос пришёл с другого сайта. Откройте страницу Baton и повторите.
web-csrf-header-wrong = Заголовок X-CSRF-Token не совпадает с токеном этой сессии. Обновите страницу и повторите.
web-csrf-header-missing = Запрос с cookie сессии должен передавать заголовок X-CSRF-Token (содержимое <meta name="csrf-token">); API-клиенты могут вместо этого передавать Authorization: Bearer.
web-form-stale = Форма устарела. Обновите страницу и повторите.
web-form-too-large = Форма слишком большая.
