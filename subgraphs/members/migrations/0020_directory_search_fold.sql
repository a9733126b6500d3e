-- Directory search as Norwegians type (docs/decisions/0047): "Aase" finds "Åse", "Oeystein" finds "Øystein" and
-- "Aerlig" finds "Ærlig". Both the searched text and the search are folded the same way: case and accents (é, ü)
-- dropped, å → aa, æ/ä → ae, ø/ö → oe, runs of white space made one space. Plain SQL (no unaccent, which PGlite
-- lacks); upper case is mapped by hand because lower() leaves Æ, Ø and Å alone in a "C" database.
create function members.search_fold(value text) returns text
  language sql immutable parallel safe as $$
    select btrim(regexp_replace(
      replace(replace(replace(
        translate(
          lower(translate(value, 'ÆØÅÄÖÜÉÈÊËÁÀÂÓÒÔÍÌÎÏÚÙÛÇÑ', 'æøåäöüéèêëáàâóòôíìîïúùûçñ')),
          'äöüéèêëáàâóòôíìîïúùûçñ', 'æøueeeeaaaoooiiiiuuucn'),
        'å', 'aa'), 'æ', 'ae'), 'ø', 'oe'),
      '\s+', ' ', 'g'))
  $$;
