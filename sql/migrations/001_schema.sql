-- The whole schema of the first release. Later changes go in new files (002_…); never edit this one
-- once it has been applied anywhere.

CREATE EXTENSION IF NOT EXISTS btree_gist;     -- the exclusion constraint against overlapping shows
CREATE EXTENSION IF NOT EXISTS cube;
CREATE EXTENSION IF NOT EXISTS earthdistance;  -- proximity search for ?near=lat,lng

-- Users are recorded the first time a valid token is seen (auth/users.cpp).
CREATE TABLE users (
    user_id       varchar(255) PRIMARY KEY,
    name          text,
    email         text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE movies (
    movie_id       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title          varchar(255) NOT NULL,
    about          text,
    thumbnail_url  text,
    banner_url     text,
    rating         numeric(3,1) NOT NULL DEFAULT 0 CHECK (rating >= 0 AND rating <= 10),
    duration_mins  integer NOT NULL CHECK (duration_mins > 0),
    age_rating     varchar(10),
    release_date   date NOT NULL,
    language       varchar(50),
    format         varchar(20),
    genres         text[] NOT NULL DEFAULT '{}',
    is_active      boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- The two orders of GET /movies, each with movie_id as the tie-breaker the cursor relies on.
CREATE INDEX idx_movies_trending ON movies (rating DESC, movie_id) WHERE is_active;
CREATE INDEX idx_movies_recommended ON movies (release_date DESC, movie_id) WHERE is_active;

CREATE TABLE persons (
    person_id   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        varchar(255) NOT NULL,
    image_url   text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
-- One person row per (name, picture): the admin API names people, it does not give ids.
CREATE UNIQUE INDEX idx_persons_identity ON persons (name, (COALESCE(image_url, '')));

CREATE TABLE movie_cast (
    movie_id       uuid NOT NULL REFERENCES movies(movie_id) ON DELETE CASCADE,
    person_id      uuid NOT NULL REFERENCES persons(person_id),
    role_name      varchar(255),
    billing_order  integer NOT NULL CHECK (billing_order > 0),
    PRIMARY KEY (movie_id, billing_order)
);

CREATE TABLE movie_crew (
    movie_id   uuid NOT NULL REFERENCES movies(movie_id) ON DELETE CASCADE,
    person_id  uuid NOT NULL REFERENCES persons(person_id),
    role       varchar(100) NOT NULL,
    position   integer NOT NULL,  -- the order the admin listed the crew in
    PRIMARY KEY (movie_id, person_id, role)
);

CREATE TABLE theatres (
    theatre_id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name                    varchar(255) NOT NULL,
    address                 text,
    city                    varchar(100) NOT NULL,
    geo_lat                 double precision NOT NULL CHECK (geo_lat BETWEEN -90 AND 90),
    geo_lng                 double precision NOT NULL CHECK (geo_lng BETWEEN -180 AND 180),
    timezone                text NOT NULL DEFAULT 'Asia/Kolkata',  -- IANA name
    cancellation_available  boolean NOT NULL DEFAULT true,
    is_active               boolean NOT NULL DEFAULT true,
    created_at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX idx_theatres_city ON theatres (lower(city));
-- Backs the earth_box filter of shows-by-date with ?near=.
CREATE INDEX idx_theatres_location ON theatres USING gist (ll_to_earth(geo_lat, geo_lng));

CREATE TABLE screens (
    screen_id    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    theatre_id   uuid NOT NULL REFERENCES theatres(theatre_id),
    screen_name  varchar(50) NOT NULL,
    screen_type  varchar(20),
    total_seats  integer NOT NULL CHECK (total_seats > 0),
    is_active    boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (theatre_id, screen_name),
    UNIQUE (screen_id, theatre_id)  -- target of the shows foreign key below
);

-- Immutable once created: a show's layout may be cached forever.
CREATE TABLE seat_layouts (
    screen_id     uuid NOT NULL REFERENCES screens(screen_id),
    row_index     integer NOT NULL,  -- rows in the order the admin gave them, front to back
    row_label     varchar(5) NOT NULL,
    seat_numbers  integer[] NOT NULL CHECK (cardinality(seat_numbers) > 0),
    seat_type     varchar(20) NOT NULL DEFAULT 'REGULAR',
    PRIMARY KEY (screen_id, row_index),
    UNIQUE (screen_id, row_label)
);

-- status is what the admin decided (SCHEDULED or CANCELLED); occupancy (AVAILABLE, FILLING_FAST …)
-- is derived live from holds and orders, never stored.
CREATE TABLE shows (
    show_id     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    movie_id    uuid NOT NULL REFERENCES movies(movie_id),
    theatre_id  uuid NOT NULL,
    screen_id   uuid NOT NULL,
    start_time  timestamptz NOT NULL,
    end_time    timestamptz NOT NULL,
    price       numeric(12,2) NOT NULL CHECK (price > 0),
    status      varchar(20) NOT NULL DEFAULT 'SCHEDULED' CHECK (status IN ('SCHEDULED', 'CANCELLED')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    cancelled_at timestamptz,
    CHECK (end_time > start_time),
    FOREIGN KEY (screen_id, theatre_id) REFERENCES screens (screen_id, theatre_id),
    -- No two live shows on one screen at once; a cancelled show frees its slot.
    CONSTRAINT shows_no_overlap EXCLUDE USING gist (
        screen_id WITH =, tstzrange(start_time, end_time) WITH &&
    ) WHERE (status <> 'CANCELLED')
);
-- Availability and shows-by-date: a movie's live shows in a time range.
CREATE INDEX idx_shows_movie_start ON shows (movie_id, start_time) WHERE status <> 'CANCELLED';

CREATE TABLE orders (
    order_id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    hold_id         uuid NOT NULL UNIQUE,  -- one order per hold: posting the hold again returns it
    user_id         varchar(255) NOT NULL REFERENCES users(user_id),
    show_id         uuid NOT NULL REFERENCES shows(show_id),
    seat_ids        text[] NOT NULL CHECK (cardinality(seat_ids) > 0),
    customer_name   varchar(255) NOT NULL,
    customer_email  varchar(255) NOT NULL,
    customer_phone  varchar(20) NOT NULL,
    amount          numeric(12,2) NOT NULL CHECK (amount > 0),
    status          varchar(20) NOT NULL DEFAULT 'PAYMENT_PENDING'
                    CHECK (status IN ('PAYMENT_PENDING', 'CONFIRMED', 'EXPIRED', 'CANCELLED', 'REFUNDED')),
    ticket_code     varchar(20) UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    confirmed_at    timestamptz,
    cancelled_at    timestamptz,
    CHECK ((status = 'CONFIRMED') <= (ticket_code IS NOT NULL))
);
-- My orders, newest first.
CREATE INDEX idx_orders_user_created ON orders (user_id, created_at DESC, order_id DESC);
-- The expiry sweeper's scan.
CREATE INDEX idx_orders_pending_expiry ON orders (expires_at) WHERE status = 'PAYMENT_PENDING';
CREATE INDEX idx_orders_show_status ON orders (show_id, status);

-- The last line against double booking: a row per seat of every live (pending or confirmed) order.
-- The primary key makes a second live owner of a seat impossible; rows are deleted when the order
-- is cancelled, expires or is refunded.
CREATE TABLE order_seats (
    show_id   uuid NOT NULL,
    seat_id   varchar(10) NOT NULL,
    order_id  uuid NOT NULL REFERENCES orders(order_id) ON DELETE CASCADE,
    PRIMARY KEY (show_id, seat_id)
);
CREATE INDEX idx_order_seats_order ON order_seats (order_id);

-- Transactional outbox: events are inserted in the same transaction as the change they describe
-- and delivered at least once by the background jobs.
CREATE TABLE outbox (
    event_id         bigserial PRIMARY KEY,
    event_type       varchar(50) NOT NULL,
    payload          jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    delivered_at     timestamptz
);
CREATE INDEX idx_outbox_undelivered ON outbox (next_attempt_at, event_id) WHERE delivered_at IS NULL;
