# Page labels shared by every page.
page-refused = Request refused
page-home = Home
page-not-allowed = Not allowed
page-not-found = Not found
page-failed = That did not work
