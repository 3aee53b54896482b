"""Read model ``funds``: fund accounts, allocations received and disbursements made [六(四)].

Tables: ``pj_accounts`` (one per source and year), ``pj_allocations`` and
``pj_disbursements`` (one row per entry; ``voided`` once corrected). A disbursement carries the
street and village it reached: the household's for household measures, the named village for
village projects, the account's street otherwise. A row carries only what its purpose uses
(``ledger.funds.PAYMENT_OPTIONS``): a household and measure for a household payment, a village
for a household or village payment; anything else an older ledger stored with an event is
left out, so a working expense never shows in a household's dossier, nor under a village.

Applied after ``households``: household disbursements read the household's place.
"""

from __future__ import annotations

from projections.engine import Fact, ReadModel
from projections.households import moved_entry, place, place_of_number, village_on
from projections.reference import restate
from projections.storage import Database

__all__ = ["MODEL"]

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS pj_accounts (aggregate_id TEXT PRIMARY KEY, code TEXT UNIQUE, "
    "source TEXT, year INTEGER, street TEXT, donor TEXT, opened_on TEXT)",
    "CREATE TABLE IF NOT EXISTS pj_allocations (aggregate_id TEXT, version INTEGER, "
    "account TEXT, source TEXT, year INTEGER, street TEXT, amount_fen INTEGER, "
    "received_on TEXT, recorded_by TEXT, imported_by TEXT, voided INTEGER, "
    "PRIMARY KEY (aggregate_id, version))",
    "CREATE TABLE IF NOT EXISTS pj_disbursements (aggregate_id TEXT, version INTEGER, "
    "account TEXT, source TEXT, year INTEGER, amount_fen INTEGER, category TEXT, "
    "purpose TEXT, household TEXT, measure_id TEXT, street TEXT, village TEXT, paid_on TEXT, "
    "recorded_by TEXT, imported_by TEXT, voided INTEGER, PRIMARY KEY (aggregate_id, version))",
    # A household's payments (its dossier): without it, a scan of every disbursement, 0.2 s
    # of `household show` at 10 M events.
    "CREATE INDEX IF NOT EXISTS pj_disbursements_household ON pj_disbursements (household)",
)


Account = tuple[str, str, int, str]  # code, source, year, street


def _account(db: Database, fact: Fact) -> Account:
    """The account's code, source, year and street (empty if unknown), remembered for the
    rest of the transaction (an amendment restates them: ``account_amended``)."""
    accounts = db.memo("funds.account")
    found: Account | None = accounts.get(fact.aggregate_id)
    if found is None:
        row = db.peek(
            "SELECT code, source, year, street FROM pj_accounts WHERE aggregate_id = ?",
            (fact.aggregate_id,),
        )
        if row is None:
            return ("", "", 0, "")
        found = accounts[fact.aggregate_id] = (str(row[0]), str(row[1]), int(row[2]), str(row[3]))
    return found


def account_opened(db: Database, fact: Fact) -> None:
    code, source, year, street = fact["code"], fact["source"], fact["year"], fact["street"]
    db.write(
        "INSERT INTO pj_accounts VALUES (?, ?, ?, ?, ?, ?, ?)",
        (fact.aggregate_id, code, source, year, street, fact["donor"], fact.effective),
    )
    db.memo("funds.account")[fact.aggregate_id] = (code, source, year, street)


def allocation_received(db: Database, fact: Fact) -> None:
    db.write(
        "INSERT INTO pj_allocations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            fact.aggregate_id,
            fact.version,
            *_account(db, fact),
            fact["amount_fen"],
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def amended(db: Database, fact: Fact) -> None:
    """A household's amendment (``household_amended``) or an account's
    (``account_amended``); another record's matches no row here."""
    household_amended(db, fact)
    account_amended(db, fact)


#: The account columns an ``Amended`` event restates (``FundAccount.AMENDABLE``).
_ACCOUNT_FIELDS = ("source", "year", "street", "donor")


def account_amended(db: Database, fact: Fact) -> None:
    """An account's source, year, street or donor restated (since session 22) holds from its
    opening on: only while no allocation or payment stands on it, so only voided rows, which
    count nowhere, carry what it was; they are restated too, for one account to read one
    way."""
    code, source, year, street = _account(db, fact)
    if not code or not restate(db, "pj_accounts", _ACCOUNT_FIELDS, fact):
        return
    changes = fact["changes"]
    db.memo("funds.account")[fact.aggregate_id] = (
        code,
        changes.get("source", source),
        changes.get("year", year),
        changes.get("street", street),
    )
    for table in ("pj_allocations", "pj_disbursements"):
        fields = [f for f in ("source", "year") if f in changes]
        if table == "pj_allocations" and "street" in changes:
            fields.append("street")  # a payment's street is the one it reached
        if fields:
            db.write(
                f"UPDATE {table} SET {', '.join(f'{f} = ?' for f in fields)} "
                "WHERE aggregate_id = ?",
                (*(changes[f] for f in fields), fact.aggregate_id),
            )


def household_amended(db: Database, fact: Fact) -> None:
    """A household's village amended (session 20) holds from the start: its payments were
    made to that village's household, so their rows say the village (a household payment's
    row takes the household's village, ``disbursed``). Another record's amendment, or one of
    another field, writes nothing."""
    changes = fact["changes"]
    if "village" not in changes:
        return
    number = place(db, fact.aggregate_id)[0]
    if not number:
        return
    db.write(
        "UPDATE pj_disbursements SET village = ? WHERE household = ? AND purpose = 'household'",
        (changes["village"], number),
    )


def disbursed(db: Database, fact: Fact) -> None:
    payment = fact.record("payment")  # a ledger.funds.Disbursement
    code, source, year, street = _account(db, fact)
    purpose, household, measure, village = payment["purpose"], "", "", ""
    if purpose == "household":
        household, measure = payment["household"], payment["measure_id"]
        found = place_of_number(db, household)
        street, village = found if found is not None else (street, village)
        # filed under the village the household was in on the payment's date (since session
        # 25), whatever order the payment and its moves were recorded in
        village = village_on(db, household, fact.effective, village)
    elif purpose == "village":
        street, village = payment["street"], payment["village"]
    db.write(
        "INSERT INTO pj_disbursements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        (
            fact.aggregate_id,
            fact.version,
            code,
            source,
            year,
            payment["amount_fen"],
            payment["category"],
            purpose,
            household,
            measure,
            street,
            village,
            fact.effective,
            fact.actor,
            fact.imported_by,
        ),
    )


def moved(db: Database, fact: Fact) -> None:
    """A household's move (since session 25): its payments dated on or after the move were
    made in the new village (a later move, dated in order, files its own on)."""
    number = place(db, fact.aggregate_id)[0]
    if number:
        _refile(db, number, fact.effective, fact["village"])


def _refile(db: Database, number: str, since: str, village: str) -> None:
    db.write(
        "UPDATE pj_disbursements SET village = ? WHERE household = ? AND purpose = 'household' "
        "AND paid_on >= ?",
        (village, number, since),
    )


def corrected(db: Database, fact: Fact) -> None:
    """A correction voids an allocation or a disbursement of this account, or a household's
    latest move (its payments since are filed under the village before it again)."""
    key = (fact.aggregate_id, fact["corrects"])
    move = moved_entry(db, *key)
    if move is not None:
        _refile(db, *move)
    db.write("UPDATE pj_allocations SET voided = 1 WHERE aggregate_id = ? AND version = ?", key)
    db.write("UPDATE pj_disbursements SET voided = 1 WHERE aggregate_id = ? AND version = ?", key)


MODEL = ReadModel(
    name="funds",
    tables=("pj_accounts", "pj_allocations", "pj_disbursements"),
    schema=SCHEMA,
    handlers={
        "AccountOpened": account_opened,
        "AllocationReceived": allocation_received,
        "Disbursed": disbursed,
        "Moved": moved,
        "Corrected": corrected,
        "Amended": amended,
    },
)
