"""A downstream client of the query API: every item matching a filter, page by page, into a CSV file.

    python examples/query_http.py --api http://127.0.0.1:8001 --place Kyiv --out kyiv.csv
"""

import argparse
import csv

import httpx


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", default="http://127.0.0.1:8001")
    parser.add_argument("--token", default=None, help="a token with the read scope, when the API requires one")
    parser.add_argument("--place")
    parser.add_argument("--actor")
    parser.add_argument("--from", dest="date_from")
    parser.add_argument("--to", dest="date_to")
    parser.add_argument("--out", default="events.csv")
    args = parser.parse_args()

    params = {"place": args.place, "actor": args.actor, "from": args.date_from, "to": args.date_to, "limit": 500}
    params = {key: value for key, value in params.items() if value}
    headers = {"Authorization": f"Bearer {args.token}"} if args.token else {}
    rows = 0
    with httpx.Client(base_url=args.api, headers=headers, timeout=30) as client, open(args.out, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["item_id", "event_date", "place", "country", "actors", "text"])
        cursor = None
        while True:
            page = client.get("/v1/events", params={**params, **({"cursor": cursor} if cursor else {})})
            page.raise_for_status()
            body = page.json()
            for item in body["items"]:
                location = item.get("event_location") or {}
                actors = ";".join(actor["name"] for actor in item["actors"])
                writer.writerow(
                    [item["item_id"], item["event_date"]["value"], location.get("name"), location.get("country_code"), actors, item["full_text"]]
                )
                rows += 1
            cursor = body["next_cursor"]
            if not cursor:
                break
    print(f"wrote {rows} items to {args.out}")


if __name__ == "__main__":
    main()
