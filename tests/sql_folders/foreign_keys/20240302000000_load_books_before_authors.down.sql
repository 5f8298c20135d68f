-- lockgate: foreign_keys = false
DELETE FROM authors WHERE id = 7;
DELETE FROM books WHERE id = 1;
