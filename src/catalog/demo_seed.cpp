#include "catalog/demo_seed.hpp"

#include "pg/migrations.hpp"

namespace marquee::catalog {

namespace {

constexpr const char* kDemoSql = R"SQL(
INSERT INTO movies (movie_id, title, about, thumbnail_url, banner_url, rating, duration_mins, age_rating,
                    release_date, language, format, genres) VALUES
 ('550e8400-e29b-41d4-a716-446655440001', 'Avatar: Fire and Ash',
  'Jake and Neytiri''s family faces the Ash People, a fierce Na''vi clan, as the war for Pandora escalates.',
  'https://img.marquee.example/avatar-fire-and-ash/thumb.jpg', 'https://img.marquee.example/avatar-fire-and-ash/banner.jpg',
  8.7, 192, 'UA', '2025-12-19', 'English', '3D', '{Action,Adventure,Sci-Fi}'),
 ('550e8400-e29b-41d4-a716-446655440002', 'The Dark Knight Returns',
  'Ten years after his last mission, an ageing Bruce Wayne puts the cowl back on to save a Gotham overrun by gangs.',
  'https://img.marquee.example/dark-knight-returns/thumb.jpg', 'https://img.marquee.example/dark-knight-returns/banner.jpg',
  9.1, 165, 'UA', '2025-11-28', 'English', 'IMAX', '{Action,Drama}'),
 ('550e8400-e29b-41d4-a716-446655440003', 'Dune: Part Two',
  'Paul Atreides unites with the Fremen on a path of revenge against the conspirators who destroyed his family.',
  'https://img.marquee.example/dune-part-two/thumb.jpg', 'https://img.marquee.example/dune-part-two/banner.jpg',
  8.5, 166, 'UA', '2024-03-01', 'English', 'IMAX', '{Action,Adventure,Sci-Fi}'),
 ('550e8400-e29b-41d4-a716-446655440004', 'Kalki 2898 AD',
  'In a dystopian future, a bounty hunter crosses paths with a woman carrying a child who could end a tyrant''s rule.',
  'https://img.marquee.example/kalki-2898-ad/thumb.jpg', 'https://img.marquee.example/kalki-2898-ad/banner.jpg',
  7.6, 181, 'UA', '2024-06-27', 'Telugu', '3D', '{Action,Sci-Fi,Fantasy}'),
 ('550e8400-e29b-41d4-a716-446655440005', 'Oppenheimer',
  'The story of J. Robert Oppenheimer and the making of the atomic bomb.',
  'https://img.marquee.example/oppenheimer/thumb.jpg', 'https://img.marquee.example/oppenheimer/banner.jpg',
  8.4, 180, 'UA', '2023-07-21', 'English', '2D', '{Biography,Drama,History}'),
 ('550e8400-e29b-41d4-a716-446655440006', 'Avengers: Secret Wars',
  'The multiverse collides. Not released yet: it appears in no list until its release date.',
  'https://img.marquee.example/secret-wars/thumb.jpg', 'https://img.marquee.example/secret-wars/banner.jpg',
  0, 170, 'UA', '2027-12-17', 'English', 'IMAX', '{Action,Sci-Fi}')
ON CONFLICT (movie_id) DO NOTHING;

INSERT INTO persons (name, image_url)
SELECT name, 'https://img.marquee.example/people/' || lower(regexp_replace(name, '[^A-Za-z]+', '-', 'g')) || '.jpg'
FROM (VALUES ('Sam Worthington'), ('Zoe Saldaña'), ('Sigourney Weaver'), ('Stephen Lang'), ('James Cameron'),
             ('Jon Landau'), ('Peter Weller'), ('Ariel Winter'), ('Michael Emerson'), ('Jay Oliva'),
             ('Timothée Chalamet'), ('Zendaya'), ('Rebecca Ferguson'), ('Denis Villeneuve'), ('Prabhas'),
             ('Amitabh Bachchan'), ('Deepika Padukone'), ('Nag Ashwin'), ('Cillian Murphy'), ('Emily Blunt'),
             ('Robert Downey Jr.'), ('Christopher Nolan'), ('Hans Zimmer')) AS p(name)
ON CONFLICT DO NOTHING;

INSERT INTO movie_cast (movie_id, person_id, role_name, billing_order)
SELECT c.movie_id::uuid, p.person_id, c.role_name, c.billing_order
FROM (VALUES
 ('550e8400-e29b-41d4-a716-446655440001', 'Sam Worthington', 'Jake Sully', 1),
 ('550e8400-e29b-41d4-a716-446655440001', 'Zoe Saldaña', 'Neytiri', 2),
 ('550e8400-e29b-41d4-a716-446655440001', 'Sigourney Weaver', 'Kiri', 3),
 ('550e8400-e29b-41d4-a716-446655440001', 'Stephen Lang', 'Colonel Miles Quaritch', 4),
 ('550e8400-e29b-41d4-a716-446655440002', 'Peter Weller', 'Bruce Wayne / Batman', 1),
 ('550e8400-e29b-41d4-a716-446655440002', 'Ariel Winter', 'Carrie Kelley / Robin', 2),
 ('550e8400-e29b-41d4-a716-446655440002', 'Michael Emerson', 'The Joker', 3),
 ('550e8400-e29b-41d4-a716-446655440003', 'Timothée Chalamet', 'Paul Atreides', 1),
 ('550e8400-e29b-41d4-a716-446655440003', 'Zendaya', 'Chani', 2),
 ('550e8400-e29b-41d4-a716-446655440003', 'Rebecca Ferguson', 'Lady Jessica', 3),
 ('550e8400-e29b-41d4-a716-446655440004', 'Prabhas', 'Bhairava', 1),
 ('550e8400-e29b-41d4-a716-446655440004', 'Amitabh Bachchan', 'Ashwatthama', 2),
 ('550e8400-e29b-41d4-a716-446655440004', 'Deepika Padukone', 'SUM-80', 3),
 ('550e8400-e29b-41d4-a716-446655440005', 'Cillian Murphy', 'J. Robert Oppenheimer', 1),
 ('550e8400-e29b-41d4-a716-446655440005', 'Emily Blunt', 'Kitty Oppenheimer', 2),
 ('550e8400-e29b-41d4-a716-446655440005', 'Robert Downey Jr.', 'Lewis Strauss', 3)
) AS c(movie_id, name, role_name, billing_order)
JOIN persons p ON p.name = c.name
ON CONFLICT DO NOTHING;

INSERT INTO movie_crew (movie_id, person_id, role, position)
SELECT c.movie_id::uuid, p.person_id, c.role, c.position
FROM (VALUES
 ('550e8400-e29b-41d4-a716-446655440001', 'James Cameron', 'Director', 1),
 ('550e8400-e29b-41d4-a716-446655440001', 'Jon Landau', 'Producer', 2),
 ('550e8400-e29b-41d4-a716-446655440002', 'Jay Oliva', 'Director', 1),
 ('550e8400-e29b-41d4-a716-446655440003', 'Denis Villeneuve', 'Director', 1),
 ('550e8400-e29b-41d4-a716-446655440003', 'Hans Zimmer', 'Music', 2),
 ('550e8400-e29b-41d4-a716-446655440004', 'Nag Ashwin', 'Director', 1),
 ('550e8400-e29b-41d4-a716-446655440005', 'Christopher Nolan', 'Director', 1),
 ('550e8400-e29b-41d4-a716-446655440005', 'Hans Zimmer', 'Music', 2)
) AS c(movie_id, name, role, position)
JOIN persons p ON p.name = c.name
ON CONFLICT DO NOTHING;

INSERT INTO theatres (theatre_id, name, address, city, geo_lat, geo_lng, timezone, cancellation_available) VALUES
 ('660e8400-e29b-41d4-a716-446655440001', 'PVR Orion Mall', 'Orion Mall, Dr Rajkumar Rd, Rajajinagar, Bengaluru',
  'Bengaluru', 13.0110, 77.5550, 'Asia/Kolkata', true),
 ('660e8400-e29b-41d4-a716-446655440002', 'INOX Garuda Mall', 'Garuda Mall, Magrath Rd, Ashok Nagar, Bengaluru',
  'Bengaluru', 12.9700, 77.6096, 'Asia/Kolkata', false),
 ('660e8400-e29b-41d4-a716-446655440003', 'PVR Phoenix Palladium', 'Phoenix Palladium, Lower Parel, Mumbai',
  'Mumbai', 18.9942, 72.8245, 'Asia/Kolkata', true),
 ('660e8400-e29b-41d4-a716-446655440004', 'Cinepolis Fun Republic', 'Fun Republic Mall, Andheri West, Mumbai',
  'Mumbai', 19.1380, 72.8330, 'Asia/Kolkata', true),
 ('660e8400-e29b-41d4-a716-446655440005', 'Prasads Multiplex', 'NTR Marg, Khairatabad, Hyderabad',
  'Hyderabad', 17.4126, 78.4663, 'Asia/Kolkata', true)
ON CONFLICT (theatre_id) DO NOTHING;

-- Two screens per theatre: a big one (12 rows A–L of 20, the last three PREMIUM) and a smaller one
-- (8 rows A–H of 15).
INSERT INTO screens (screen_id, theatre_id, screen_name, screen_type, total_seats)
SELECT ('770e8400-e29b-41d4-a716-4466554400' || t.n || s.n)::uuid, t.theatre_id::uuid, s.name, s.type, s.seats
FROM (VALUES ('1', '660e8400-e29b-41d4-a716-446655440001'), ('2', '660e8400-e29b-41d4-a716-446655440002'),
             ('3', '660e8400-e29b-41d4-a716-446655440003'), ('4', '660e8400-e29b-41d4-a716-446655440004'),
             ('5', '660e8400-e29b-41d4-a716-446655440005')) AS t(n, theatre_id)
CROSS JOIN (VALUES ('1', 'Screen 1', 'IMAX', 240), ('2', 'Screen 2', 'Standard', 120)) AS s(n, name, type, seats)
ON CONFLICT DO NOTHING;

INSERT INTO seat_layouts (screen_id, row_index, row_label, seat_numbers, seat_type)
SELECT sc.screen_id, r.i, chr(64 + r.i),
       ARRAY(SELECT generate_series(1, CASE WHEN sc.screen_name = 'Screen 1' THEN 20 ELSE 15 END)),
       CASE WHEN sc.screen_name = 'Screen 1' AND r.i > 9 THEN 'PREMIUM' ELSE 'REGULAR' END
FROM screens sc
CROSS JOIN LATERAL generate_series(1, CASE WHEN sc.screen_name = 'Screen 1' THEN 12 ELSE 8 END) AS r(i)
WHERE sc.screen_id::text LIKE '770e8400-e29b-41d4-a716-4466554400%'
ON CONFLICT DO NOTHING;

-- Four shows a day per screen for the next 7 theatre-local days; the released movies take turns.
INSERT INTO shows (movie_id, theatre_id, screen_id, start_time, end_time, price)
SELECT m.movie_id, sc.theatre_id, sc.screen_id, slot.start_at,
       slot.start_at + make_interval(mins => m.duration_mins),
       s.base_price + CASE WHEN sc.screen_type = 'IMAX' THEN 100 ELSE 0 END
FROM screens sc
JOIN theatres t ON t.theatre_id = sc.theatre_id
CROSS JOIN generate_series(0, 6) AS d(day)
CROSS JOIN (VALUES (0, time '10:00', 200), (1, time '13:45', 250), (2, time '17:30', 280), (3, time '21:15', 300))
     AS s(n, at, base_price)
CROSS JOIN LATERAL (SELECT (((now() AT TIME ZONE t.timezone)::date + d.day) + s.at) AT TIME ZONE t.timezone AS start_at) slot
JOIN movies m ON m.movie_id = ('550e8400-e29b-41d4-a716-44665544000' ||
     (1 + (ascii(right(sc.screen_id::text, 1)) + ascii(right(sc.screen_id::text, 2)) + s.n + d.day) % 5))::uuid
WHERE sc.screen_id::text LIKE '770e8400-e29b-41d4-a716-4466554400%'
  AND slot.start_at > now()
  -- Idempotent: a slot a show of an earlier run holds is left alone (the rule lives in show_slots).
  AND NOT EXISTS (SELECT 1 FROM show_slots l WHERE l.screen_id = sc.screen_id AND l.live
                  AND l.during && tstzrange(slot.start_at, slot.start_at + make_interval(mins => m.duration_mins)));

-- The planner should see the catalogue as it now is, not as the empty tables of a moment ago
-- (autovacuum would take up to a minute to tell it).
ANALYZE movies, persons, movie_cast, movie_crew, theatres, screens, seat_layouts, shows;
)SQL";

}  // namespace

void load_demo_catalogue(const std::string& database_url) { pg::run_script(database_url, kDemoSql); }

}  // namespace marquee::catalog
