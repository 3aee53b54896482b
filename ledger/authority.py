"""Who may record what: each command's allowed roles and how far a street officer reaches.

The table is the one place the ledger's permissions live; ``Ledger`` consults it before every
command and ``fupin verify`` re-checks it for every stored event.

Scopes:

- ``district``: district-level only — an admin, or an officer/inspector with no street;
- ``street``: an admin, a district-level holder of the role, or one whose street is the
  household's, account's or inspection's street (a rectification: the street its finding
  concerns, ``OversightCommands.report_rectification``);
- ``any``: any holder of the role.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.errors import PermissionRefusedError

__all__ = [
    "EVENT_COMMANDS",
    "KEYED_ADMIN_COMMANDS",
    "PERMISSIONS",
    "PROGRAMME_STEPS",
    "TYPED_COMMANDS",
    "Permission",
    "amend_command",
    "check_permission",
    "roles_recording",
    "typed_command",
]


@dataclass(frozen=True)
class Permission:
    roles: tuple[str, ...]
    scope: str  # "district", "street" or "any"


_ADMIN = ("admin",)
_CASE = ("admin", "officer")
_INSPECT = ("admin", "inspector")

PERMISSIONS: dict[str, Permission] = {
    # reference data: the district office
    "open_programme": Permission(_ADMIN, "district"),
    "set_year": Permission(_ADMIN, "district"),
    # rules typed wrong at the opening: whoever may open it (since session 22)
    "amend_rules": Permission(_ADMIN, "district"),
    "register_street": Permission(_ADMIN, "district"),
    "add_village": Permission(_ADMIN, "district"),
    # a village's relatively-poor flag typed wrong: whoever may add it (since session 22)
    "amend_village": Permission(_ADMIN, "district"),
    "register_officer": Permission(_ADMIN, "district"),
    "change_officer": Permission(_ADMIN, "district"),
    "retire_officer": Permission(_ADMIN, "district"),
    "register_helper": Permission(_CASE, "any"),
    # casework: the street poverty offices, or the district office
    "identify": Permission(_CASE, "street"),
    "change_members": Permission(_CASE, "street"),
    # a household's record closed 注销 (since session 25): as a change of members
    "close_household": Permission(_CASE, "street"),
    "move": Permission(_CASE, "street"),
    "review": Permission(_CASE, "street"),
    "post_notice": Permission(_CASE, "street"),
    "raise_objection": Permission(_CASE, "street"),
    "resolve_objection": Permission(_CASE, "street"),
    "sign": Permission(_CASE, "street"),
    "register": Permission(_CASE, "street"),
    "pair": Permission(_CASE, "street"),
    "unpair": Permission(_CASE, "street"),
    "sign_agreement": Permission(_CASE, "street"),
    "record_visit": Permission(_CASE, "street"),
    "plan_measure": Permission(_CASE, "street"),
    "complete_measure": Permission(_CASE, "street"),
    "assess_income": Permission(_CASE, "street"),
    "propose_exit": Permission(_CASE, "street"),
    "verify_exit": Permission(_CASE, "street"),
    "withdraw_exit": Permission(_CASE, "street"),
    "post_exit_notice": Permission(_CASE, "street"),
    "approve_exit": Permission(_CASE, "district"),
    "recognise_return": Permission(_CASE, "street"),
    "apply_return": Permission(_CASE, "street"),
    "review_return": Permission(_CASE, "district"),
    "approve_return": Permission(_CASE, "district"),
    "withdraw_return": Permission(_CASE, "street"),
    # funds: the district for city, district and donation accounts, a street for its own
    "open_account": Permission(_CASE, "street"),
    "receive_allocation": Permission(_CASE, "street"),
    "disburse": Permission(_CASE, "street"),
    # bulk import: the rows are each checked as their own command; the batch record is the
    # importing officer's
    # the batch's record in the import register: whoever records events (each row is still
    # judged as its own actor's); an export part may start with an inspector's rows
    "import_batch": Permission(("admin", "officer", "inspector"), "any"),
    "employ_worker": Permission(_CASE, "street"),
    "end_employment": Permission(_CASE, "street"),
    # oversight
    "open_inspection": Permission(_INSPECT, "street"),
    "record_finding": Permission(_INSPECT, "street"),
    "report_rectification": Permission(_CASE, "street"),
    "close_finding": Permission(_INSPECT, "street"),
    "notice_criticism": Permission(_INSPECT, "district"),
    "hold_talk": Permission(_INSPECT, "district"),
    # corrections: admins, or whoever may record entries in that street
    "correct": Permission(("admin", "officer", "inspector"), "street"),
    # an inspection's own entries (a finding, a talk, a notice): the inspectors, never the
    # officers they inspect
    "correct_inspection": Permission(_INSPECT, "street"),
    # an exit's approval: the district's, as the approval is (a street cannot undo it)
    "correct_exit": Permission(_CASE, "district"),
    # an officer's retirement recorded in error: the district office, which retires them
    "correct_officer": Permission(_ADMIN, "district"),
    # amendments of a registration: whoever may record it (a household's street, any officer
    # for a helper)
    "amend": Permission(_CASE, "street"),
    "amend_helper": Permission(_CASE, "any"),
    # an officer's name or unit typed wrong: the district office, which registers them
    "amend_officer": Permission(_ADMIN, "district"),
    # an inspection opened with its year, street or scope typed wrong: whoever may open it
    # (the inspectors, never the street inspected)
    "amend_inspection": Permission(_INSPECT, "street"),
    # an account opened with its source, year, street or donor typed wrong: whoever may open
    # it (a street officer their street's account, before and after; since session 22)
    "amend_account": Permission(_CASE, "street"),
    # tamper evidence: signing keys and the log's checkpoints (docs/audit-guide.md)
    "register_key": Permission(_ADMIN, "district"),
    "revoke_key": Permission(_ADMIN, "district"),
    "register_log_key": Permission(_ADMIN, "district"),
    "record_checkpoint": Permission(_ADMIN, "district"),
    # personal data: erasure (crypto-shredding) is the district office's (docs/privacy.md)
    "erase": Permission(_ADMIN, "district"),
    "rotate_master": Permission(_ADMIN, "district"),
}

#: The commands that manage officers and keys: once the ledger has an active admin with a key
#: in force, only such an admin records them, in a save signed with that key
#: (``LedgerCore.authorise``; since session 24: an admin who never held a key demoted and
#: retired every keyed admin, unsigned, and plain verify passed). While no active admin has
#: a key in force they are recorded as before (an admin registers their own first key).
KEYED_ADMIN_COMMANDS = frozenset(
    {
        "register_officer",
        "change_officer",
        "retire_officer",
        "correct_officer",
        "amend_officer",
        "register_key",
        "revoke_key",
        "register_log_key",
        "record_checkpoint",
        "rotate_master",
        # since session 35 (tester f): the one command no correction undoes, taken unsigned
        # from an admin with no key beside keyed admins
        "erase",
    }
)

#: The command an officer types for each permission, as (its words after ``fupin``, what
#: follows them where one command serves several permissions): a refusal names the command
#: as typed, not the permission's internal name (testers, session 22: ``review_return is for
#: the district``). Every permission has one, and each names a command of the CLI
#: (tests/unit/test_authority.py, tests/cli/test_round23_command_names.py).
TYPED_COMMANDS: dict[str, tuple[str, str]] = {
    "open_programme": ("programme open", ""),
    "set_year": ("programme set-year", ""),
    "amend_rules": ("programme amend", ""),
    "register_street": ("place add-street", ""),
    "add_village": ("place add-village", ""),
    "amend_village": ("place amend-village", ""),
    "register_officer": ("officer add", ""),
    "change_officer": ("officer change", ""),
    "retire_officer": ("officer retire", ""),
    "register_helper": ("helper add", ""),
    "identify": ("household identify", ""),
    "change_members": ("household members", ""),
    "close_household": ("household close", ""),
    "move": ("household move", ""),
    "review": ("household review", ""),
    "post_notice": ("household notice", ""),
    "raise_objection": ("household object", ""),
    "resolve_objection": ("household resolve", ""),
    "sign": ("household sign", ""),
    "register": ("household register", ""),
    "pair": ("household pair", ""),
    "unpair": ("household unpair", ""),
    "sign_agreement": ("household agree", ""),
    "record_visit": ("household visit", ""),
    "plan_measure": ("household plan-measure", ""),
    "complete_measure": ("household complete-measure", ""),
    "assess_income": ("household assess", ""),
    "propose_exit": ("household propose-exit", ""),
    "verify_exit": ("household verify-exit", ""),
    "withdraw_exit": ("household withdraw-exit", ""),
    "post_exit_notice": ("household exit-notice", ""),
    "approve_exit": ("household approve-exit", ""),
    "recognise_return": ("household return", "… recognised"),
    "apply_return": ("household return", "… applied"),
    "review_return": ("household return", "… reviewed"),
    "approve_return": ("household return", "… approved"),
    "withdraw_return": ("household withdraw-return", ""),
    "open_account": ("fund open", ""),
    "receive_allocation": ("fund allocate", ""),
    "disburse": ("fund disburse", ""),
    "import_batch": ("import", ""),
    "employ_worker": ("helper employ", ""),
    "end_employment": ("helper end-employment", ""),
    "open_inspection": ("inspection open", ""),
    "record_finding": ("inspection find", ""),
    "report_rectification": ("inspection rectify", ""),
    "close_finding": ("inspection close", ""),
    "notice_criticism": ("inspection criticise", ""),
    "hold_talk": ("inspection talk", ""),
    "correct": ("correct", ""),
    "correct_inspection": ("correct", "of an inspection's entry"),
    "correct_exit": ("correct", "of an exit's or a return's approval"),
    "correct_officer": ("correct", "of an officer's retirement or transfer"),
    "amend": ("household amend", ""),
    "amend_helper": ("helper amend", ""),
    "amend_officer": ("officer amend", ""),
    "amend_inspection": ("inspection amend", ""),
    "amend_account": ("fund amend", ""),
    "register_key": ("keys register", ""),
    "revoke_key": ("keys revoke", ""),
    "register_log_key": ("keys register-log", ""),
    "record_checkpoint": ("checkpoint", ""),
    "erase": ("erase", ""),
    "rotate_master": ("keys rotate-master", ""),
}


def typed_command(permission: str) -> str:
    """The command an officer types for ``permission``, as a refusal names it
    (``fupin household return … reviewed``; the permission's own name if it has none)."""
    words, rest = TYPED_COMMANDS.get(permission, (permission, ""))
    return " ".join(part for part in ("fupin", words, rest) if part)


#: Which commands record each stored event (by event class name), so that ``fupin verify`` can
#: re-check the role in every event's provenance. An event added to an aggregate needs a line
#: here (a test checks every aggregate's events are listed).
EVENT_COMMANDS: dict[str, tuple[str, ...]] = {
    "ImportsStarted": ("import_batch",),
    "BatchImported": ("import_batch",),
    "BatchRecorded": ("import_batch",),
    # an export replayed by import --create: the keys it carries are the admin's to register
    "RebuiltFromExport": ("register_key",),
    "Opened": ("open_programme",),
    "YearParametersSet": ("set_year",),
    "RulesAmended": ("amend_rules",),
    "StreetRegistered": ("register_street",),
    "VillageAdded": ("add_village",),
    "VillageAmended": ("amend_village",),
    "OfficerRegistered": ("register_officer",),
    "OfficerRoleChanged": ("change_officer",),
    "OfficerRetired": ("retire_officer",),
    "SigningKeyRegistered": ("register_key",),
    "SigningKeyRevoked": ("revoke_key",),
    # a key revoked before a move, carried by import --create (since session 24), as the
    # move's key registrations
    "RevokedKeyCarried": ("register_key",),
    "HelperRegistered": ("register_helper",),
    # An enterprise's or cooperative's side of its registration and of a household's pairing.
    "PairingsOpened": ("register_helper", "pair", "unpair"),
    "PairingTaken": ("pair", "unpair"),
    # a correction's side: a voided unpairing's enterprise takes its pairing again (session 21)
    "PairingRetaken": ("correct",),
    # an unpairing's side, or a correction's: a voided pairing gives the enterprise back
    "PairingReleased": ("unpair", "correct", "close_household"),
    "WorkerEmployed": ("employ_worker",),
    "EmploymentEnded": ("end_employment",),
    "Identified": ("identify",),
    "MembersChanged": ("change_members",),
    "Closed": ("close_household",),
    "Moved": ("move",),
    "Reviewed": ("review",),
    "NoticePosted": ("post_notice",),
    "ObjectionRaised": ("raise_objection",),
    "ObjectionResolved": ("resolve_objection",),
    "Signed": ("sign",),
    "Registered": ("register",),
    "HelperPaired": ("pair",),
    "HelperUnpaired": ("unpair",),
    "AgreementSigned": ("sign_agreement",),
    "VisitRecorded": ("record_visit",),
    "MeasurePlanned": ("plan_measure",),
    "MeasureCompleted": ("complete_measure",),
    "FundsReceived": ("disburse",),
    "ReceiptVoided": ("correct",),
    "IncomeAssessed": ("assess_income",),
    "ExitProposed": ("propose_exit",),
    "ExitNoticed": ("post_exit_notice",),
    "ExitAdvanced": ("verify_exit", "approve_exit"),
    "ExitWithdrawn": ("withdraw_exit",),
    "ReturnAdvanced": ("recognise_return", "apply_return", "review_return", "approve_return"),
    "ReturnWithdrawn": ("withdraw_return",),
    "AccountOpened": ("open_account",),
    "AllocationReceived": ("receive_allocation",),
    "Disbursed": ("disburse",),
    "InspectionOpened": ("open_inspection",),
    "FindingRecorded": ("record_finding",),
    "RectificationReported": ("report_rectification",),
    "FindingClosed": ("close_finding",),
    "CriticismNoticed": ("notice_criticism",),
    "LeadershipTalkHeld": ("hold_talk",),
    "Corrected": ("correct", "correct_inspection", "correct_exit", "correct_officer"),
    "Amended": ("amend", "amend_helper", "amend_officer", "amend_inspection", "amend_account"),
    "LogKeyRegistered": ("register_log_key",),
    "LogKeyRotated": ("register_log_key",),
    "CheckpointRecorded": ("record_checkpoint",),
    "PersonalDataErased": ("erase",),
    "MasterKeyRotated": ("rotate_master",),
}


#: Commands whose events are the programme's own steps (casework, money, oversight), dated the
#: day each took effect: after the programme, one is dated today only when the officer says so
#: (``LedgerCore.authorise``). A helper's registration is one: it serves from that day, so one
#: dated today after the programme could never be paired for its years. Other reference data,
#: keys, corrections and amendments take effect the day they are done.
PROGRAMME_STEPS = frozenset(
    {
        "register_helper",
        "identify",
        "change_members",
        "close_household",
        "move",
        "review",
        "post_notice",
        "raise_objection",
        "resolve_objection",
        "sign",
        "register",
        "pair",
        "unpair",
        "sign_agreement",
        "record_visit",
        "plan_measure",
        "complete_measure",
        "assess_income",
        "propose_exit",
        "verify_exit",
        "withdraw_exit",
        "post_exit_notice",
        "approve_exit",
        "recognise_return",
        "apply_return",
        "review_return",
        "approve_return",
        "withdraw_return",
        "open_account",
        "receive_allocation",
        "disburse",
        "employ_worker",
        "end_employment",
        "open_inspection",
        "record_finding",
        "report_rectification",
        "close_finding",
        "notice_criticism",
        "hold_talk",
    }
)


def correction_command(record: str, entry: str) -> str:
    """The permission a correction of an ``entry`` (its event's class name) of a ``record``
    (its aggregate's class name) needs: an inspection's entries are the inspectors'
    (``correct_inspection``, never the officers inspected), an exit's or a return's approval
    the district's (``correct_exit``), an officer's retirement the district office's
    (``correct_officer``, as ``retire_officer``), any other entry whoever may record in its
    street (``correct``). The command asks it of the record it loads; ``fupin verify`` of the
    entry a correction voids."""
    if record == "Inspection":
        return "correct_inspection"
    if record == "Officer":
        return "correct_officer"
    if entry in ("ExitAdvanced", "ReturnAdvanced"):  # a return's since session 23
        return "correct_exit"
    return "correct"


#: The permission an amendment of each kind of record needs (by its aggregate's class name).
_AMEND_COMMANDS = {
    "Household": "amend",
    "Helper": "amend_helper",
    "Officer": "amend_officer",
    "Inspection": "amend_inspection",
    "FundAccount": "amend_account",
}


def amend_command(record: str) -> str:
    """The permission an amendment of a ``record`` (its aggregate's class name) needs ("" for
    a record none may amend): the command asks it of the record it loads; ``fupin verify``
    of the record an ``Amended`` event replays on (one list of every amendment's roles let
    an inspector's amendment of a household pass: the reviewer, session 20)."""
    return _AMEND_COMMANDS.get(record, "")


def roles_recording(event: str) -> frozenset[str] | None:
    """The roles that may record ``event`` (None if the event is not in ``EVENT_COMMANDS``)."""
    commands = EVENT_COMMANDS.get(event)
    if commands is None:
        return None
    return frozenset(role for command in commands for role in PERMISSIONS[command].roles)


def check_permission(command: str, actor: str, role: str, actor_street: str, street: str) -> None:
    """Refuse ``command`` unless ``role`` allows it and the actor's street reaches ``street``.

    ``street`` is the street the command touches ("" when it touches none, e.g. a city account).
    """
    permission = PERMISSIONS[command]
    typed = typed_command(command)  # as the officer typed it (since session 23)
    if role not in permission.roles:
        raise PermissionRefusedError(
            "as", f"{actor} is {role}; {typed} needs {' or '.join(permission.roles)}"
        )
    if role == "admin" or permission.scope == "any" or not actor_street:
        return
    if permission.scope == "district":
        raise PermissionRefusedError(
            "as", f"{actor} works for street {actor_street!r}; {typed} is for the district"
        )
    if street != actor_street:
        raise PermissionRefusedError(
            "as",
            f"{actor} works for street {actor_street!r}, "
            f"not {repr(street) if street else 'the district'}",
        )
