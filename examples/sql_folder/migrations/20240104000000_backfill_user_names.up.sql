-- lockgate: irreversible = "the names are copies of the emails: leaving them in place on the way down loses nothing"
-- lockgate: allow(blocking = "users holds a few thousand rows: the update is over in milliseconds")
UPDATE users SET name = email;
