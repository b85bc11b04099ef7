"""Record a meeting, letter or visit: one form, one write (keepers and admins).

Widgets and layout only: the form becomes a `coopdash.workbook.entry.Entry`, which the
one validator and importer write as one published write (history, undo). A refused
entry shows each problem at its place in the form and keeps what was typed.
"""

import pandas as pd
import streamlit as st

from coopdash.contract import CODES
from coopdash.i18n import fmt_int
from coopdash.web import auth, cache, frame, places, storage
from coopdash.workbook import entry
from coopdash.workbook.validate import ValidationFailed, countries

MAX_PEOPLE = 40
MAX_FOLLOW_UPS = 10
# widget key -> its empty value, for the fields drawn this run: after a save they are set
# back to it (deleting the keys is not enough: the browser keeps showing, and sends back,
# what was typed)
_EMPTY: dict[str, object] = {}
ctx = frame.context()
auth.require(ctx.person, "write", ctx.lang)  # a viewer or analyst opening /record
st.title(ctx.t("record.title"))
st.caption(ctx.t("record.intro"))


def _coded(label: str, codelist: str, key: str, optional: bool = False,
           default: str | None = None) -> str:
    options = ([""] if optional else []) + list(CODES[codelist])
    index = options.index(default) if default in options else 0
    return st.selectbox(label, options, index=index, key=key,
                        format_func=lambda c: ctx.label(codelist, c),
                        placeholder=ctx.t("common.choose"))


def _country(label: str, key: str) -> str:
    names = {c: f"{places.country_name(c, ctx.lang)} ({c})" for c in sorted(countries())}
    options = ["", *sorted(names, key=names.get)]
    return st.selectbox(label, options, key=key,
                        format_func=lambda c: names.get(c, ctx.t("common.none")),
                        placeholder=ctx.t("common.choose"))


def _text(label: str, key: str) -> str:
    _EMPTY[key] = ""
    return st.text_input(label, key=key)


def what_happened() -> dict:
    st.subheader(ctx.t("record.what"))
    left, right = st.columns(2)
    with left:
        day = st.date_input(ctx.t("record.occurred_on"), value=ctx.today, key="rec_day",
                            format="YYYY-MM-DD")
        kind = _coded(ctx.t("record.kind"), "milestone_kind", "rec_kind", default="meeting")
    with right:
        channel = _coded(ctx.t("record.channel"), "channel", "rec_channel", optional=True)
        reference = _text(ctx.t("record.reference"), "rec_reference")
    title = _text(ctx.t("record.milestone_title"), "rec_title")
    return {"occurred_on": day, "kind": kind, "channel": channel, "reference": reference,
            "title": title}


def _picked(choices: pd.DataFrame, kind: str) -> dict[str, str]:
    rows = choices[choices["kind"] == kind]
    return dict(zip(rows["record_id"], rows["label"], strict=True))


def _new_or_pick(what: str, options: dict[str, str]) -> str | None:
    """The picked record's id, or None when the keeper adds a new one."""
    if not options:
        return None
    mode = st.radio(ctx.t(f"record.{what}"), ["existing", "new"], horizontal=True,
                    key=f"rec_{what}_mode", format_func=lambda m: ctx.t(f"record.{m}"),
                    label_visibility="collapsed")
    if mode == "new":
        return None
    return st.selectbox(ctx.t(f"record.{what}_pick"), list(options), key=f"rec_{what}_pick",
                        format_func=lambda v: options[v], placeholder=ctx.t("common.choose"))


def partner(choices: pd.DataFrame) -> dict:
    st.subheader(ctx.t("record.partner"))
    picked = _new_or_pick("partner", _picked(choices, "partner"))
    if picked is not None:
        return {"partner_id": picked}
    name = _text(ctx.t("record.name"), "rec_partner_name")
    left, right = st.columns(2)
    with left:
        country = _country(ctx.t("record.country"), "rec_partner_country")
        org_type = _coded(ctx.t("record.org_type"), "org_type", "rec_partner_org_type")
    with right:
        city = _text(ctx.t("record.office_city"), "rec_partner_city")
        new_id = _text(ctx.t("record.new_id"), "rec_partner_id")
    return {"new_partner": entry.NewPartner(name=name, country=country, org_type=org_type,
                                            office_city=city, partner_id=new_id)}


def agreement(choices: pd.DataFrame, partner_id: str | None) -> dict:
    st.subheader(ctx.t("record.agreement"))
    rows = choices[(choices["kind"] == "agreement") & (choices["partner_id"] == partner_id)]
    options = dict(zip(rows["record_id"], rows["label"], strict=True))
    if partner_id and not options:
        st.caption(ctx.t("record.no_agreements"))
    picked = _new_or_pick("agreement", options)
    if picked is not None:
        return {"agreement_id": picked}
    st.caption(ctx.t("record.new_agreement_stage"))
    title = _text(ctx.t("record.agreement_title"), "rec_agreement_title")
    left, right = st.columns(2)
    with left:
        instrument = _coded(ctx.t("record.instrument"), "instrument", "rec_agreement_instrument",
                            default="mou")
        new_id = _text(ctx.t("record.new_id"), "rec_agreement_id")
    with right:
        reference = _text(ctx.t("record.reference"), "rec_agreement_reference")
    _EMPTY["rec_agreement_notes"] = ""
    notes = st.text_area(ctx.t("record.notes"), key="rec_agreement_notes")
    return {"new_agreement": entry.NewAgreement(title=title, instrument=instrument,
                                                reference=reference, notes=notes,
                                                agreement_id=new_id)}


def person(side: str, n: int) -> entry.Person:
    st.markdown(f"*{ctx.t('record.person', n=fmt_int(n, ctx.lang))}*")
    key = f"rec_{side}_{n}"
    name = _text(ctx.t("record.full_name"), f"{key}_name")
    position = _text(ctx.t("record.position"), f"{key}_position")
    organisation = _text(ctx.t("record.organisation"), f"{key}_organisation")
    role = _coded(ctx.t("record.role"), "role", f"{key}_role", default="member")
    gender = _coded(ctx.t("record.gender"), "gender", f"{key}_gender", optional=True)
    status = _coded(ctx.t("record.person_status"), "participant_status", f"{key}_status",
                    default="attended")
    return entry.Person(full_name=name, position=position, organisation=organisation,
                        role=role, gender=gender, status=status)


def side(name: str) -> entry.Side:
    st.markdown("**" + ctx.t("record.side", side=ctx.label("side", name)) + "**")
    _EMPTY.update({f"rec_{name}_seats": None, f"rec_{name}_n": 0})
    seats = st.number_input(ctx.t("record.seats"), min_value=0, value=None, step=1,
                            key=f"rec_{name}_seats")
    n = st.number_input(ctx.t("record.n_people"), min_value=0, max_value=MAX_PEOPLE,
                        value=0, step=1, key=f"rec_{name}_n")
    return entry.Side(seats=seats, people=[person(name, i) for i in range(1, n + 1)])


def program(happened: dict) -> entry.Program | None:
    _EMPTY["rec_has_program"] = False
    if not st.checkbox(ctx.t("record.has_program"), key="rec_has_program"):
        return None
    st.subheader(ctx.t("record.program"))
    day = happened["occurred_on"]
    title = _text(ctx.t("record.program_title"), "rec_program_title")
    left, right = st.columns(2)
    with left:
        kind = _coded(ctx.t("record.program_kind"), "program_kind", "rec_program_kind",
                      default="meeting")
        status = _coded(ctx.t("record.status"), "program_status", "rec_program_status",
                        default="completed" if day and day <= ctx.today else "planned")
        mode = _coded(ctx.t("record.mode"), "mode", "rec_program_mode", optional=True)
        starts = st.date_input(ctx.t("record.starts_on"), value=day, key="rec_program_starts",
                               format="YYYY-MM-DD")
    with right:
        host = _country(ctx.t("record.host_country"), "rec_program_host_country")
        city = _text(ctx.t("record.host_city"), "rec_program_host_city")
        ends = st.date_input(ctx.t("record.ends_on"), value=day, key="rec_program_ends",
                             format="YYYY-MM-DD")
    columns = st.columns(2)
    sides = {}
    for column, name in zip(columns, entry.SIDES, strict=True):
        with column:
            sides[name] = side(name)
    return entry.Program(title=title, kind=kind, status=status, mode=mode, host_country=host,
                         host_city=city, starts_on=starts, ends_on=ends, sides=sides)


def follow_ups() -> list[entry.FollowUp]:
    st.subheader(ctx.t("record.follow_ups"))
    _EMPTY["rec_follow_ups_n"] = 0
    n = st.number_input(ctx.t("record.n_follow_ups"), min_value=0, max_value=MAX_FOLLOW_UPS,
                        value=0, step=1, key="rec_follow_ups_n")
    out = []
    for i in range(1, n + 1):
        st.markdown(f"*{ctx.t('record.follow_up', n=fmt_int(i, ctx.lang))}*")
        title = _text(ctx.t("record.follow_up_title"), f"rec_follow_up_{i}_title")
        left, right = st.columns(2)
        with left:
            owner = _text(ctx.t("record.owner"), f"rec_follow_up_{i}_owner")
        with right:
            due = st.date_input(ctx.t("record.due_on"), value=None, format="YYYY-MM-DD",
                                key=f"rec_follow_up_{i}_due")
        out.append(entry.FollowUp(title=title, owner=owner, due_on=due))
    return out


def place_text(place: entry.Place | None) -> str:
    if place is None:
        return ""
    side_label = ctx.label("side", place.side) if place.side else ""
    number = fmt_int(place.n, ctx.lang) if place.n is not None else ""
    if place.section == "people" and place.n is not None:
        return ctx.t("record.place.person", side=side_label, n=number)
    return ctx.t(f"record.place.{place.section}", side=side_label, n=number)


def refused(exc: ValidationFailed) -> None:
    lines = [ctx.t("record.refused", n=fmt_int(exc.total, ctx.lang))]
    for issue in exc.issues:
        where = place_text(issue.params.get("place"))
        lines.append(f"- {where}: {issue.format(ctx.lang)}" if where
                     else f"- {issue.format(ctx.lang)}")
    st.error("\n".join(lines), icon=":material/error:")


def save(record: entry.Entry) -> None:
    auth.require(ctx.person, "write", ctx.lang)  # the role read on this very run
    try:
        with storage.writing(ctx, "form", file_name=entry.FILE_NAME, mode=entry.MODE) as con:
            result = entry.save(con, record, actor=ctx.person.actor)
    except ValidationFailed as exc:
        refused(exc)
        return
    st.session_state["rec_reset"] = dict(_EMPTY)
    st.session_state["rec_flash"] = ctx.t("record.saved", what="; ".join(
        line.strip() for line in result.lines(ctx.lang)[1:]))
    st.rerun()


def main() -> None:
    for key, empty in st.session_state.pop("rec_reset", {}).items():
        st.session_state[key] = empty  # before the widgets are drawn: the form is empty
    if flash := st.session_state.pop("rec_flash", None):
        st.success(flash, icon=":material/check_circle:")
    choices = cache.run("record_choices", ctx)
    happened = what_happened()
    who = partner(choices)
    links = agreement(choices, who.get("partner_id"))
    record = entry.Entry(**happened, **who, **links, program=program(happened),
                         follow_ups=follow_ups())
    if st.button(ctx.t("record.save"), type="primary", key="rec_save",
                 icon=":material/save:"):
        save(record)


main()
