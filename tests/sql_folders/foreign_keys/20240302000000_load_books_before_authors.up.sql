-- lockgate: foreign_keys = false
-- The export lists books before their authors: the keys hold once both are in, checked before commit.
INSERT INTO books (id, author_id, title) VALUES (1, 7, 'Notes');
INSERT INTO authors (id, name) VALUES (7, 'Ada');
