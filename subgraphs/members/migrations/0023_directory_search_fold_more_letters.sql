-- Directory search folds more letters (decision 0047 review fix 5), replacing 0020's function: Polish and Sámi
-- letters go to their base letter ("Pawel" finds "Paweł", "Cudis" finds "Čuđiš": ł ś ć ń ę ą ż ź č š ž đ ŋ), and
-- ü → ue like ä → ae and ö → oe ("Mueller" finds "Müller"). The rest is as 0020: case and other accents dropped,
-- å → aa, æ → ae, ø → oe, runs of white space made one space; upper case mapped by hand for PGlite's "C" lower().
-- No index uses the function, so nothing needs rebuilding.
create or replace function members.search_fold(value text) returns text
  language sql immutable parallel safe as $$
    select btrim(regexp_replace(
      replace(replace(replace(replace(
        translate(
          lower(translate(value, 'ÆØÅÄÖÜÉÈÊËÁÀÂÓÒÔÍÌÎÏÚÙÛÇÑŁŚĆŃĘĄŻŹČŠŽĐŊ', 'æøåäöüéèêëáàâóòôíìîïúùûçñłśćńęążźčšžđŋ')),
          'äöéèêëáàâóòôíìîïúùûçñłśćńęążźčšžđŋ', 'æøeeeeaaaoooiiiiuuucnlscneazzcszdn'),
        'å', 'aa'), 'æ', 'ae'), 'ø', 'oe'), 'ü', 'ue'),
      '\s+', ' ', 'g'))
  $$;
