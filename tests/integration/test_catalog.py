"""The catalogue: admin writes (movies, theatres, screens, shows) and the public reads built on them
(movies list, details, availability, shows by date), including caching and time zones."""

import datetime
import unittest
import uuid

from harness import ServerTestCase, unique


def future_day(days_ahead):
    return (datetime.date.today() + datetime.timedelta(days=days_ahead)).isoformat()


class MoviesTest(ServerTestCase):
    def walk(self, category, limit):
        items, cursor, pages = [], None, 0
        while True:
            path = f"/api/v1/movies?category={category}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
            r = self.call("GET", path)
            self.assertEqual(r.status, 200, r)
            self.assertLessEqual(len(r.json["items"]), limit)
            items += r.json["items"]
            pages += 1
            cursor = r.json["nextCursor"]
            if cursor is None:
                return items, pages
            self.assertEqual(len(r.json["items"]), limit)

    def test_create_and_read_details_with_cast_and_crew(self):
        movie = self.create_movie(
            title="Avatar: Fire and Ash " + uuid.uuid4().hex[:6], rating=8.7, durationMins=192, ageRating="UA",
            releaseDate="2025-12-19", genres=["Action", "Sci-Fi"], about="Pandora burns.",
            cast=[{"name": "Zoe Saldaña", "role": "Neytiri", "imageUrl": "https://img/zoe.jpg", "billingOrder": 2},
                  {"name": "Sam Worthington", "role": "Jake Sully", "billingOrder": 1}],
            crew=[{"name": "James Cameron", "role": "Director", "imageUrl": "https://img/jc.jpg"},
                  {"name": "James Cameron", "role": "Producer", "imageUrl": "https://img/jc.jpg"}])
        self.assertRegex(movie["movieId"], r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
        r = self.call("GET", f"/api/v1/movies/{movie['movieId']}")
        self.assertEqual(r.status, 200, r)
        m = r.json
        self.assertEqual(m, movie)
        self.assertEqual(m["rating"], 8.7)
        self.assertEqual(m["durationMins"], 192)
        self.assertEqual(m["releaseDate"], "2025-12-19")
        self.assertEqual(m["genres"], ["Action", "Sci-Fi"])
        self.assertEqual([c["name"] for c in m["cast"]], ["Sam Worthington", "Zoe Saldaña"])  # billing order
        self.assertEqual(m["cast"][1], {"name": "Zoe Saldaña", "role": "Neytiri", "imageUrl": "https://img/zoe.jpg",
                                        "billingOrder": 2})
        self.assertEqual([(c["name"], c["role"]) for c in m["crew"]],
                         [("James Cameron", "Director"), ("James Cameron", "Producer")])

    def test_movie_validation_names_the_field(self):
        cases = [
            ({"durationMins": 100, "releaseDate": "2024-01-01"}, "title"),
            ({"title": "", "durationMins": 100, "releaseDate": "2024-01-01"}, "title"),
            ({"title": "x", "releaseDate": "2024-01-01"}, "durationMins"),
            ({"title": "x", "durationMins": 0, "releaseDate": "2024-01-01"}, "durationMins"),
            ({"title": "x", "durationMins": "90", "releaseDate": "2024-01-01"}, "durationMins"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-02-30"}, "releaseDate"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "rating": 11}, "rating"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "rating": 7.25}, "rating"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "genres": "Drama"}, "genres"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "genres": [1]}, "genres"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "isActive": "yes"}, "isActive"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "cast": [{"role": "r"}]}, "cast[0].name"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01",
              "cast": [{"name": "a", "billingOrder": 1}, {"name": "b", "billingOrder": 1}]}, "cast[1].billingOrder"),
            ({"title": "x", "durationMins": 90, "releaseDate": "2024-01-01", "crew": [{"name": "a"}]}, "crew[0].role"),
            ({"title": "x" * 256, "durationMins": 90, "releaseDate": "2024-01-01"}, "title"),
        ]
        for body, field in cases:
            r = self.call("POST", "/api/v1/admin/movies", body, token=self.admin)
            self.assertError(r, 400, "VALIDATION_ERROR", field)

    def test_patch_changes_fields_and_deactivation_hides_the_movie(self):
        movie = self.create_movie(rating=6.0)
        movie_id = movie["movieId"]
        self.assertEqual(self.call("GET", f"/api/v1/movies/{movie_id}").status, 200)  # now cached
        r = self.call("PATCH", f"/api/v1/admin/movies/{movie_id}",
                      {"rating": 6.5, "cast": [{"name": "New Lead", "role": "Hero"}]}, token=self.admin)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["rating"], 6.5)
        self.assertEqual(r.json["title"], movie["title"])
        self.assertEqual([c["name"] for c in r.json["cast"]], ["New Lead"])
        # The cached details were invalidated: the next public read shows the change.
        self.assertEqual(self.call("GET", f"/api/v1/movies/{movie_id}").json["rating"], 6.5)

        r = self.call("PATCH", f"/api/v1/admin/movies/{movie_id}", {"isActive": False}, token=self.admin)
        self.assertEqual(r.status, 200)
        self.assertFalse(r.json["isActive"])
        self.assertError(self.call("GET", f"/api/v1/movies/{movie_id}"), 404, "NOT_FOUND")
        listed = [m["movieId"] for m in self.walk("trending", 50)[0]]
        self.assertNotIn(movie_id, listed)

        self.assertError(self.call("PATCH", f"/api/v1/admin/movies/{uuid.uuid4()}", {"rating": 5}, token=self.admin),
                         404, "NOT_FOUND")
        self.assertError(self.call("PATCH", f"/api/v1/admin/movies/{movie_id}", {"rating": -1}, token=self.admin),
                         400, "VALIDATION_ERROR", "rating")

    def test_lists_are_ordered_paged_and_exclude_unreleased(self):
        a = self.create_movie(rating=9.9, releaseDate="2020-05-05")["movieId"]
        b = self.create_movie(rating=9.9, releaseDate="2020-05-05")["movieId"]
        c = self.create_movie(rating=0.1, releaseDate="2000-01-01")["movieId"]
        unreleased = self.create_movie(rating=9.9, releaseDate=future_day(30))["movieId"]
        for category, key in (("trending", lambda m: (-m["rating"], m["movieId"])),
                              ("recommended", lambda m: (tuple(-int(x) for x in m["releaseDate"].split("-")),
                                                         m["movieId"]))):
            items, pages = self.walk(category, 2)
            ids = [m["movieId"] for m in items]
            self.assertEqual(len(ids), len(set(ids)), "a movie appeared on two pages")
            self.assertEqual(items, sorted(items, key=key))
            for movie_id in (a, b, c):
                self.assertIn(movie_id, ids)
            self.assertNotIn(unreleased, ids)
            self.assertGreater(pages, 1)
            first = items[0]
            self.assertEqual(set(first.keys()) >= {"movieId", "title", "thumbnailUrl", "rating", "genres",
                                                    "durationMins"}, True)
        default = self.call("GET", "/api/v1/movies")
        self.assertEqual(default.status, 200)
        self.assertLessEqual(len(default.json["items"]), 20)

    def test_trending_compares_ratings_as_numbers_on_every_page(self):
        # As text, "10.0" sorts after "8.7"; the list and its cursors compare the numbers.
        ten = self.create_movie(rating=10)["movieId"]
        eight = self.create_movie(rating=8.7)["movieId"]
        for movie_id in (ten, eight):  # hidden afterwards, so that 10s do not pile up at the top over runs
            self.addCleanup(self.call, "PATCH", f"/api/v1/admin/movies/{movie_id}", {"isActive": False},
                            token=self.admin)
        items, _ = self.walk("trending", 50)
        ids = [m["movieId"] for m in items]
        self.assertLess(ids.index(ten), ids.index(eight))
        self.assertEqual(items[ids.index(ten)]["rating"], 10)
        self.assertEqual(items, sorted(items, key=lambda m: (-m["rating"], m["movieId"])))

        # One movie a page, from the top past both: the same order, each movie once.
        paged, cursor = [], None
        while eight not in paged:
            r = self.call("GET", "/api/v1/movies?category=trending&limit=1" + (f"&cursor={cursor}" if cursor else ""))
            self.assertEqual(r.status, 200, r)
            self.assertEqual(len(r.json["items"]), 1, r)
            paged.append(r.json["items"][0]["movieId"])
            self.assertEqual(paged, ids[:len(paged)])
            cursor = r.json["nextCursor"]
            if cursor is None:
                break
        self.assertIn(ten, paged)
        self.assertIn(eight, paged)

    def test_list_parameters_are_validated(self):
        for query in ("category=popular", "limit=0", "limit=51", "limit=ten", "cursor=%%%", "cursor=bm90LWEtY3Vyc29y"):
            self.assertError(self.call("GET", f"/api/v1/movies?{query}"), 400, "VALIDATION_ERROR")
        # A trending cursor is not a recommended cursor.
        self.create_movie()
        self.create_movie()
        r = self.call("GET", "/api/v1/movies?category=trending&limit=1")
        self.assertIsNotNone(r.json["nextCursor"])
        self.assertError(self.call("GET", f"/api/v1/movies?category=recommended&cursor={r.json['nextCursor']}"),
                         400, "VALIDATION_ERROR", "cursor")

    def test_unknown_and_malformed_movie_ids(self):
        self.assertError(self.call("GET", f"/api/v1/movies/{uuid.uuid4()}"), 404, "NOT_FOUND")
        self.assertError(self.call("GET", "/api/v1/movies/not-a-uuid"), 400, "VALIDATION_ERROR", "movieId")
        self.assertError(self.call("GET", "/api/v1/movies/1'%20OR%20'1'='1"), 400, "VALIDATION_ERROR")


class VenuesAndShowsTest(ServerTestCase):
    def setUp(self):
        self.movie = self.create_movie(durationMins=150)
        self.theatre = self.create_theatre()
        self.screen = self.create_screen(self.theatre["theatreId"], rows=3, seats=4)

    def test_theatre_validation(self):
        base = {"name": "T", "city": "C", "geo": {"lat": 1, "lng": 2}}
        for patch, field in [({"name": None}, "name"), ({"city": ""}, "city"), ({"geo": None}, "geo"),
                             ({"geo": {"lat": 91, "lng": 0}}, "geo.lat"), ({"geo": {"lat": 0, "lng": "e"}}, "geo.lng"),
                             ({"timezone": "Mars/Olympus"}, "timezone"), ({"cancellationAvailable": 1},
                                                                         "cancellationAvailable")]:
            body = {**base, **patch}
            self.assertError(self.call("POST", "/api/v1/admin/theatres", body, token=self.admin), 400,
                             "VALIDATION_ERROR", field)
        t = self.create_theatre(timezone="America/New_York", cancellationAvailable=False)
        self.assertEqual(t["timezone"], "America/New_York")
        self.assertFalse(t["cancellationAvailable"])
        self.assertEqual(self.create_theatre(timezone=None)["timezone"], "Asia/Kolkata")

    def test_screen_layout(self):
        s = self.create_screen(self.theatre["theatreId"], rows=12, seats=20)
        self.assertEqual(s["totalSeats"], 240)
        self.assertEqual(s["theatreId"], self.theatre["theatreId"])
        path = f"/api/v1/admin/theatres/{self.theatre['theatreId']}/screens"
        bad = [
            ({"screenName": "x", "rows": []}, "rows"),
            ({"screenName": "x", "rows": [{"rowLabel": "A1", "seatNumbers": [1]}]}, "rows[0].rowLabel"),
            ({"screenName": "x", "rows": [{"rowLabel": "A", "seatNumbers": [1, 1]}]}, "rows[0].seatNumbers"),
            ({"screenName": "x", "rows": [{"rowLabel": "A", "seatNumbers": [0]}]}, "rows[0].seatNumbers"),
            ({"screenName": "x", "rows": [{"rowLabel": "A", "seatNumbers": []}]}, "rows[0].seatNumbers"),
            ({"screenName": "x", "rows": [{"rowLabel": "A", "seatNumbers": [1]}, {"rowLabel": "A", "seatNumbers": [2]}]},
             "rows[1].rowLabel"),
            ({"rows": [{"rowLabel": "A", "seatNumbers": [1]}]}, "screenName"),
            ({"screenName": s["screenName"], "rows": [{"rowLabel": "A", "seatNumbers": [1]}]}, "screenName"),
        ]
        for body, field in bad:
            self.assertError(self.call("POST", path, body, token=self.admin), 400, "VALIDATION_ERROR", field)
        self.assertError(self.call("POST", f"/api/v1/admin/theatres/{uuid.uuid4()}/screens",
                                   {"screenName": "x", "rows": [{"rowLabel": "A", "seatNumbers": [1]}]},
                                   token=self.admin), 404, "NOT_FOUND")

    def test_show_creation_overlap_and_validation(self):
        day = future_day(40)
        show = self.create_show(self.movie["movieId"], self.screen["screenId"], f"{day}T10:00:00+05:30", price=280.5)
        self.assertEqual(show["startTime"], f"{day}T10:00:00+05:30")
        self.assertEqual(show["endTime"], f"{day}T12:30:00+05:30")  # 150 minutes later
        self.assertEqual(show["theatreId"], self.theatre["theatreId"])
        self.assertEqual(show["price"], 280.5)
        # Given in UTC, shown in the theatre's offset.
        utc = self.create_show(self.movie["movieId"], self.screen["screenId"], f"{day}T11:00:00Z", price=300)
        self.assertEqual(utc["startTime"], f"{day}T16:30:00+05:30")

        overlap = self.call("POST", "/api/v1/admin/shows", {"movieId": self.movie["movieId"],
                            "screenId": self.screen["screenId"], "startTime": f"{day}T12:00:00+05:30", "price": 200},
                            token=self.admin)
        self.assertError(overlap, 409, "SHOW_OVERLAP")
        # Back to back is fine: the earlier show ends exactly when this one starts.
        self.create_show(self.movie["movieId"], self.screen["screenId"], f"{day}T12:30:00+05:30")

        base = {"movieId": self.movie["movieId"], "screenId": self.screen["screenId"],
                "startTime": f"{future_day(41)}T10:00:00+05:30", "price": 100}
        for patch, status, code, field in [
            ({"movieId": "nope"}, 400, "VALIDATION_ERROR", "movieId"),
            ({"startTime": f"{future_day(41)}T10:00:00"}, 400, "VALIDATION_ERROR", "startTime"),
            ({"startTime": "2001-01-01T10:00:00Z"}, 400, "VALIDATION_ERROR", "startTime"),
            ({"price": 0}, 400, "VALIDATION_ERROR", "price"),
            ({"price": 10.555}, 400, "VALIDATION_ERROR", "price"),
            ({"price": "100"}, 400, "VALIDATION_ERROR", "price"),
            ({"movieId": str(uuid.uuid4())}, 404, "NOT_FOUND", "movie"),
            ({"screenId": str(uuid.uuid4())}, 404, "NOT_FOUND", "screen"),
        ]:
            r = self.call("POST", "/api/v1/admin/shows", {**base, **patch}, token=self.admin)
            self.assertError(r, status, code, field)

    def test_shows_by_date_lists_theatres_and_sees_admin_changes_at_once(self):
        day = future_day(45)
        movie_id = self.movie["movieId"]
        first = self.create_show(movie_id, self.screen["screenId"], f"{day}T18:00:00+05:30", price=250)
        r = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["movieId"], movie_id)
        self.assertEqual(r.json["date"], day)
        self.assertEqual(len(r.json["theatres"]), 1)
        t = r.json["theatres"][0]
        self.assertEqual(t["theatreId"], self.theatre["theatreId"])
        self.assertEqual(t["geo"], {"lat": 12.97, "lng": 77.59})
        self.assertTrue(t["cancellationAvailable"])
        self.assertEqual([s["showId"] for s in t["shows"]], [first["showId"]])
        self.assertEqual(t["shows"][0]["status"], "AVAILABLE")
        self.assertEqual(t["shows"][0]["price"], 250)

        # That answer is now cached; a new show (earlier the same day) must still appear on the next read.
        second = self.create_show(movie_id, self.screen["screenId"], f"{day}T09:00:00+05:30")
        r = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}")
        self.assertEqual([s["showId"] for s in r.json["theatres"][0]["shows"]], [second["showId"], first["showId"]])

        # Theatres by name; a second theatre in another city is filtered by city.
        other = self.create_theatre(name="AAA " + unique("Cinema"), city="Othertown", geo={"lat": 19.0, "lng": 72.8})
        other_screen = self.create_screen(other["theatreId"])
        self.create_show(movie_id, other_screen["screenId"], f"{day}T20:00:00+05:30")
        names = [t["name"] for t in self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}").json["theatres"]]
        self.assertEqual(names, sorted(names))
        self.assertEqual(len(names), 2)
        only = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}&city=othertown").json["theatres"]
        self.assertEqual([t["theatreId"] for t in only], [other["theatreId"]])

        # near= sorts by distance and adds distanceKm; the radius leaves far theatres out.
        near = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}&near=19.0,72.8&radiusKm=2000").json
        self.assertEqual([t["theatreId"] for t in near["theatres"]], [other["theatreId"], self.theatre["theatreId"]])
        self.assertEqual(near["theatres"][0]["distanceKm"], 0)
        self.assertGreater(near["theatres"][1]["distanceKm"], 800)
        close = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={day}&near=19.0,72.8&radiusKm=50").json
        self.assertEqual([t["theatreId"] for t in close["theatres"]], [other["theatreId"]])

        self.assertEqual(self.call("GET", f"/api/v1/movies/{movie_id}/shows?date={future_day(46)}").json["theatres"], [])

    def test_show_dates_follow_the_theatre_time_zone(self):
        ny = self.create_theatre(timezone="America/New_York", geo={"lat": 40.75, "lng": -73.99}, city="New York")
        screen = self.create_screen(ny["theatreId"])
        movie_id = self.movie["movieId"]
        # 23:30 in New York in January is 04:30 UTC the next day; the show belongs to the local date.
        show = self.create_show(movie_id, screen["screenId"], "2031-01-10T23:30:00-05:00")
        self.assertEqual(show["startTime"], "2031-01-10T23:30:00-05:00")
        summer = self.create_show(movie_id, screen["screenId"], "2031-07-10T12:00:00Z")
        self.assertEqual(summer["startTime"], "2031-07-10T08:00:00-04:00")  # daylight saving time
        on_day = self.call("GET", f"/api/v1/movies/{movie_id}/shows?date=2031-01-10&city=New%20York").json
        self.assertEqual([s["showId"] for t in on_day["theatres"] for s in t["shows"]], [show["showId"]])
        self.assertEqual(self.call("GET", f"/api/v1/movies/{movie_id}/shows?date=2031-01-11&city=New%20York")
                         .json["theatres"], [])
        dates = self.call("GET", f"/api/v1/movies/{movie_id}/availability?from=2031-01-01&to=2031-01-31").json
        self.assertEqual(dates, {"movieId": movie_id, "availableDates": ["2031-01-10"]})

    def test_availability(self):
        movie_id = self.movie["movieId"]
        d1, d2 = future_day(50), future_day(52)
        self.create_show(movie_id, self.screen["screenId"], f"{d2}T10:00:00+05:30")
        self.create_show(movie_id, self.screen["screenId"], f"{d1}T10:00:00+05:30")
        self.create_show(movie_id, self.screen["screenId"], f"{d1}T20:00:00+05:30")
        r = self.call("GET", f"/api/v1/movies/{movie_id}/availability?from={future_day(49)}&to={future_day(60)}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["availableDates"], [d1, d2])
        self.assertEqual(self.call("GET", f"/api/v1/movies/{movie_id}/availability?from={d2}&to={d2}")
                         .json["availableDates"], [d2])
        for query, field in [("from=2030-01-01", "to"), ("to=2030-01-01", "from"),
                             ("from=2030-01-05&to=2030-01-01", "from"), ("from=2030-01-01&to=2030-06-01", "to"),
                             ("from=2030-13-01&to=2030-12-01", "from")]:
            self.assertError(self.call("GET", f"/api/v1/movies/{movie_id}/availability?{query}"), 400,
                             "VALIDATION_ERROR", field)
        self.assertError(self.call("GET", f"/api/v1/movies/{uuid.uuid4()}/availability?from={d1}&to={d2}"), 404,
                         "NOT_FOUND")

    def test_shows_query_validation(self):
        movie_id = self.movie["movieId"]
        for query, field in [("", "date"), ("date=tomorrow", "date"), ("date=2030-01-01&near=91,0", "near"),
                             ("date=2030-01-01&near=12.9", "near"), ("date=2030-01-01&near=a,b", "near"),
                             ("date=2030-01-01&near=1,2&radiusKm=0", "radiusKm"),
                             ("date=2030-01-01&city=", "city")]:
            self.assertError(self.call("GET", f"/api/v1/movies/{movie_id}/shows?{query}"), 400, "VALIDATION_ERROR",
                             field)
        self.assertError(self.call("GET", f"/api/v1/movies/{uuid.uuid4()}/shows?date=2030-01-01"), 404, "NOT_FOUND")


if __name__ == "__main__":
    unittest.main()
