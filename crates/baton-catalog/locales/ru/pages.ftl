# Page labels shared by every page.
page-refused = Запрос отклонён
page-home = На главную
page-not-allowed = Нет доступа
page-not-found = Не найдено
page-failed = Не получилось
