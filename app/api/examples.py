"""Examples the OpenAPI schema shows for the observation routes: real output for
alataw-cargo-tonnage-2023-01, kept out of the routers. tests/test_citations.py and
tests/test_observations.py check them against what the routes answer."""

from app.observations_csv import COLUMNS as CSV_COLUMNS

ALATAW_QUOTE = (
    "The Alataw port, one of the important ports for China-Europe freight trains, has also seen a boom in freight "
    "volume since the beginning of this year, with more than 1.11 million tonnes of cargo transported in January, "
    "up 12.8 percent year on year."
)
ALATAW_NOTE = (
    "Figure alataw-cargo-tonnage-2023-01 was read from characters 965–1212 (counted from 0, end excluded) "
    f"of the article text: “{ALATAW_QUOTE}”"
)
CSV_EXAMPLE = (
    ",".join(CSV_COLUMNS) + "\r\n"
    "alataw-cargo-tonnage-2023-01,alataw,cargo_tonnage,1110000,tonnes,more_than,more than 1.11 million tonnes,"
    "tonnes,cargo transported,2023-01-01,2023-01-31,in January,12.8,exact,up 12.8 percent year on year,"
    "983606.55,more_than,1110000,,False,,983606.55,,False,,"
    f'xinhua-2023-02-09-xinjiang-land-ports,"{ALATAW_QUOTE}",965,1212,\r\n'
)
CSL_JSON_EXAMPLE = [
    {
        "id": "alataw-cargo-tonnage-2023-01",
        "type": "article-newspaper",
        "author": [{"literal": "Xinhua News Agency"}],
        "title": "Wondrous Xinjiang: Busy land ports herald thriving foreign trade",
        "container-title": "Xinhua News Agency",
        "publisher": "Xinhua News Agency",
        "issued": {"date-parts": [[2023, 2, 9]]},
        "URL": "https://english.news.cn/20230209/00008459e7a2499e98febae6b28a42bb/c.html",
        "language": "en",
        "note": ALATAW_NOTE,
    }
]
BIBTEX_EXAMPLE = (
    "@article{alataw-cargo-tonnage-2023-01,\n"
    "  author    = {{Xinhua News Agency}},\n"
    "  title     = {{Wondrous Xinjiang: Busy land ports herald thriving foreign trade}},\n"
    "  journal   = {Xinhua News Agency},\n"
    "  publisher = {Xinhua News Agency},\n"
    "  year      = {2023},\n"
    "  month     = feb,\n"
    "  day       = {9},\n"
    "  date      = {2023-02-09},\n"
    "  url       = {https://english.news.cn/20230209/00008459e7a2499e98febae6b28a42bb/c.html},\n"
    "  note      = {" + ALATAW_NOTE + "},\n"
    "}\n"
)
