"""How fast does `flask gazetteer import-postcodes` load a full ONS Postcode Directory?

Writes a synthetic ONSPD-layout CSV (the real header; --rows postcodes, 1.8 million by default,
spread over the bundled postcode districts, about 1% terminated and 0.1% without a position,
as in the real file), then times import_postcodes() into a fresh database and reports rows per
second and the peak memory of the process (resident set, ru_maxrss) and of Python's own
allocations (tracemalloc is too slow for 1.8M rows, so the import's own growth is the RSS
difference). The last line is JSON for scripts.

    .venv/bin/python bench/postcodes.py --rows 1800000
    .venv/bin/python bench/postcodes.py --rows 200000 \\
        --database-url postgresql://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import string
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,"
    "osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,"
    "casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,"
    "oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21,ruc21ind,globalid"
)
FILLER_BEFORE = (
    "E99999999,E99999999,E08000017,E05000001,E43000001,0,459000,404000,1,E18000003,"
    "E40000001,E92000001,E12000003,0,E14000001,E15000003,0,E30000001,E16000001,E06000001,"
    "00CEFA,E00000001,00CEFA,E65000001,E01000001,E02000001,A1,1A1,E00000001,E01000001,"
    "E02000001,E33000001,E38000001,E63000001,A1,1a1"
)
FILLER_AFTER = "E37000001,,E23000001,100,E56000001,E54000001,E00000001,E01000001,E02000001,UN1"


def write_file(path: Path, rows: int, seed: int = 7) -> None:
    from community_hub.geo.postcodes import bundled_districts

    rng = random.Random(seed)
    districts = list(bundled_districts().items())
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for written in range(rows):  # every code distinct, with no set of them held in memory
            outward, (lat, lng) = districts[written % len(districts)]
            rest = written // len(districts)
            unit = rest // 10
            inward = f"{rest % 10}{letters[unit // 20 % 20]}{letters[unit % 20]}"
            code = f"{outward} {inward}"
            terminated = "201001" if rng.random() < 0.01 else ""
            if rng.random() < 0.001:
                lat_s, lng_s = "99.999999", "0.000000"
            else:
                lat_s = f"{lat + rng.uniform(-0.02, 0.02):.6f}"
                lng_s = f"{lng + rng.uniform(-0.03, 0.03):.6f}"
            pcd = f"{outward:<4}{inward}"
            guid = "".join(rng.choices(string.hexdigits[:16], k=8))
            out.write(
                f"{pcd},{outward:<5}{inward},{code},198001,{terminated},{FILLER_BEFORE},"
                f"{lat_s},{lng_s},{FILLER_AFTER},{{{guid}}}\n"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_800_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    os.environ.setdefault("APP_ENV", "development")

    from community_hub import create_app
    from community_hub.extensions import db
    from community_hub.geo.postcodes import import_postcodes

    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "onspd-synthetic.csv"
        started = time.perf_counter()
        write_file(csv_path, args.rows)
        size_mb = csv_path.stat().st_size / 1e6
        print(
            f"wrote {args.rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - started:.0f} s"
        )
        url = args.database_url or f"sqlite:///{folder}/bench.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            db.create_all()
            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            started = time.perf_counter()
            counts = import_postcodes(csv_path, batch_size=args.batch_size, progress=True)
            seconds = time.perf_counter() - started
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            if args.database_url:
                db.drop_all()
    result = {
        "rows": args.rows,
        "database": url.split(":")[0],
        "postcodes": counts.postcodes,
        "sectors": counts.sectors,
        "districts": counts.districts,
        "skipped": counts.skipped,
        "seconds": round(seconds, 1),
        "rows_per_second": round(args.rows / seconds),
        "peak_rss_mb": round(peak),
        "rss_before_import_mb": round(before),
    }
    print(
        f"imported {counts.postcodes:,} postcodes, {counts.sectors:,} sectors, "
        f"{counts.districts:,} districts in {seconds:.1f} s: {result['rows_per_second']:,} rows/s; "
        f"peak RSS {peak:.0f} MB ({before:.0f} MB before the import)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
