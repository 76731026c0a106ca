"""Reading a sentence: words become concepts (knowledge/vocabulary.yaml), negated clauses are
set apart, environments and version numbers are found.

    "Do not upgrade Karpenter, just add a spot node pool in dev"
    → concepts {add, spot, node-pool}, negated {upgrade, karpenter}, environments (dev,)

Text is lower-cased and stripped of plurals; every vocabulary term (longest first) becomes its
concept, other words stay words. A negator (knowledge/intake.yaml: not, no, without, skip, ...)
negates what follows it up to the end of its clause (punctuation or a clause-break word such as
"but" or "just"). A version change written as numbers ("from 13 to 15", "to 1.31", "5.7 to 8.0")
adds the concept `version-hop`. Deterministic: the same text always reads the same."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.knowledge.model import Knowledge
from engine.spec.normalize import is_condition, normalized
from engine.spec.reading import Reading
from engine.spec.terms import next_meaning, reading_table, singular, words
from engine.spec.ticket import commit_title, read_ticket
from engine.spec.versions import sized_numbers, version_change

_TOKEN = re.compile(r"[a-z0-9]+|[,;:!?()→]|\.(?=\s|$)")
_BREAK_PUNCTUATION = {",", ";", ":", "!", "?", "(", ")", "."}
_KEPT = {"~take-back", "~env-take-back"}  # "... and leave/keep the config as it is"
_OWN = {"version-hop", "major-version"}  # a version names its thing: "X 1.13 -> 1.14 on eks-prod"


@dataclass(eq=False)
class _Clause:
    """One clause as it is read: what it states, and whether a later word takes it back."""

    stated: set[str]
    environments: set[str]
    mode: str = "stated"  # stated, negated (a negator) or context (a reason or a time)
    taken_back: bool = False  # "leave staging alone", "prod stays on 1.28"
    alternative: bool = False  # "instead of GoDaddy": negates only up to the next "and"
    exception: bool = False  # "every service except payments": negates only what it names
    relative: bool = False  # a relative clause ("that holds sessions"): ends at the main verb
    watching: bool = False  # what an alert or dashboard watches ("a panel showing downtime")
    last: tuple[str, tuple[str, ...]] = ("", ())  # the last meaning read and its words
    arrow_from: tuple[str, tuple[str, ...]] = ("", ())  # what an arrow points away from
    words: int = 0  # tokens read into the clause so far
    subject_environment: bool = False  # the clause opens with an environment ("prod keeps ...")
    past: bool = False  # "... moved to the ALB three months ago": what happened, not the change
    state: bool = False  # "node upgrades keep evicting every replica": how things are now
    opens: str = ""  # what the clause's first word means (an action: "revert what we did ...")
    asks: bool = False  # it opens with an ask ("turn on ...", "let's ...", "please ...")
    phrase: list[str] = field(default_factory=list)  # concepts of the noun phrase read so far
    watched: set[str] = field(default_factory=set)  # "ACM certificate expiry alert": certificate
    forbids: bool = False  # "an SCP denying org exit": the actions after the verb are its rule


def read(text: str, knowledge: Knowledge) -> Reading:
    """What a text says: a change ticket field by field (engine/spec/ticket.py), any other
    text as one request."""
    text = commit_title(text, knowledge)
    return read_ticket(text, knowledge, _read) or _read(text, knowledge)


def _read(text: str, knowledge: Knowledge) -> Reading:
    rules = knowledge.reading_rules
    early = tuple(name for e in knowledge.environments if not e.prod for name in (e.id, *e.aliases))
    # a line ends a sentence: a ticket's title has no full stop ("... instead of Log Analytics\n
    # The LA bill is huge" negates nothing on the second line)
    text = re.sub(r"(?<![.;:!?,])[ \t]*\n\s*", " . ", text.strip())
    lowered = normalized(text, rules, early)
    versions = version_change(lowered, rules)
    sized = sized_numbers(lowered, rules)
    leading = [v.lstrip("v").split(".")[0] for v in versions]
    major = len(leading) == 2 and leading[0] != leading[1]
    table = reading_table(knowledge)
    tokens = [
        t if t in _BREAK_PUNCTUATION else singular(t)
        for t in _TOKEN.findall(re.sub(r"(?<=\w)\.(?=\w)", " ", lowered))
    ]
    actions = set(rules.action_concepts)
    exception_ends = set(rules.exception_ends)
    adverbs = {tuple(words(w)) for w in rules.adverb_breaks}
    relatives = {tuple(words(w)) for w in rules.relative_markers}
    relative_ends = {tuple(words(w)) for w in rules.relative_ends}
    pasts = {tuple(words(w)) for w in rules.past_markers}
    states = {tuple(words(w)) for w in rules.state_markers}
    alternative_ends = set(rules.alternative_ends)
    consequences = {tuple(words(w)) for w in rules.consequence_markers}
    asks = {tuple(words(w)) for w in rules.ask_openings}
    watchers = set(rules.watchers)
    watched = [[w] for w in rules.watched_markers]
    kept = set(rules.watched_kept)
    phrase_ends = set(rules.phrase_ends)
    kept_states = set(rules.kept_states)
    sizes, amounts = set(rules.sizes), set(rules.amounts)
    forbidding = set(rules.forbidding_verbs)
    concept_ids = {t.id for t in knowledge.terms}
    clauses = [_Clause(set(), set())]
    outer: list[_Clause] = []  # the clauses a parenthesis interrupted
    negated: set[str] = set()
    terms: dict[str, set[tuple[str, ...]]] = {}
    i = 0
    previous = ""  # the meaning of the word just read (a name, for compounds)
    listing = ""  # "Kafka Connect and Elasticsearch": a list of one kind names it once
    compounded: set[tuple[str, ...]] = set()  # the names of compounds read so far
    previous_term: tuple[str, ...] = ()  # the words of the meaning just read
    while i < len(tokens):
        token = tokens[i]
        i += token in _BREAK_PUNCTUATION
        if token == "(":  # an aside in a reason is part of the reason ("which points at ... (X)")
            outer.append(clauses[-1])
            mode = "context" if clauses[-1].mode == "context" else "stated"
            clauses.append(_Clause(set(), set(), mode=mode))
            continue
        if token == ")":  # an aside ends: the interrupted clause goes on
            clauses.append(outer.pop() if outer else _Clause(set(), set()))
            continue
        if token == ":" and clauses[-1].mode == "stated" and not clauses[-1].taken_back:
            # what a colon introduces goes on with what it follows: "report-only for now: a
            # Gatekeeper rule that ..." is one change (a negated lead-in is not carried on)
            clauses.append(_Clause(set(clauses[-1].stated), set(clauses[-1].environments)))
            continue
        if token in _BREAK_PUNCTUATION:
            clauses.append(_Clause(set(), set()))
            previous = ""
            continue
        if token == "→" and any(tuple(tokens[i + 1 : i + 1 + len(v)]) == v for v in asks):
            # "prod keeps hitting IP exhaustion -> can we switch ...": the arrow leads to the ask
            clauses.append(_Clause(set(), set()))
            i += 1
            previous = ""
            continue
        if token == "→":  # "Redis -> ElastiCache": what the arrow points from
            clauses[-1].arrow_from = clauses[-1].last
            i += 1
            previous = ""
            continue
        # "node upgrades keep evicting every replica", "the disk is running out": a problem stated
        # in the present is the reason for the change, not the change
        stating = any(tuple(tokens[i : i + len(m)]) == m for m in states) or (
            # "node upgrades keep evicting ...", not "staging keeps using ..."
            token == "keep"
            and i + 1 < len(tokens)
            and tokens[i + 1].endswith("ing")
            and len(tokens[i + 1]) > 5
            and tokens[i + 1] not in kept_states
        )
        past = any(tuple(tokens[i : i + len(m)]) == m for m in pasts)  # "... last quarter"
        matched: tuple[str, ...] = (token,)
        meaning, length = token, 1
        for term, concept in table.get(token, ()):
            if tuple(tokens[i : i + len(term)]) == term:
                meaning, length, matched = concept, len(term), term
                break
        i += length
        if clauses[-1].relative and matched in relative_ends:
            # "the Redis cluster that holds sessions should be upgraded": the relative clause
            # ends at the main verb, which is the change
            clauses.append(_Clause(set(), set()))
        if clauses[-1].exception and (token in exception_ends or meaning in actions) and outer:
            clauses.append(outer.pop())  # "every service except payments to ...": goes on
        clause = clauses[-1]
        listed = meaning == listing and meaning in concept_ids
        if matched in (("and",), ("or",)):
            listing = clause.last[0]
        elif matched not in (("the",), ("a",), ("an",), ("our",)):
            listing = ""
        if clause.arrow_from[0] and (meaning in concept_ids or meaning.startswith(("~", "env:"))):
            # "Redis -> ElastiCache", "Route 53 → Cloudflare", "runner VMs -> ephemeral ARC
            # runners": one thing replaced by another of its kind (its qualifiers skipped) is a
            # migration; "dev -> staging" or "host -> load balancer" is not
            before, before_words = clause.arrow_from
            if meaning == before and matched != before_words and meaning in concept_ids:
                # "node type r6g.large -> r6g.xlarge": one size for another is a resize
                clause.stated.add("resize" if meaning in sizes else "migration")
            clause.arrow_from = ("", ())
        # a thing's qualifiers go with it: "AFD classic -> AFD Standard" is one thing for another
        # "ElastiCache Redis", "Aurora PostgreSQL", "Cloud SQL prod Postgres": two names of one
        # kind side by side (an environment between them) are one name
        before = previous  # the meaning of the word before this one
        compound = meaning == previous and meaning in concept_ids
        if compound:  # "ElastiCache Redis": both words name one thing, wherever else said
            found = terms.get(meaning, set())
            if matched in found:  # "redis ... the ElastiCache Redis": said once before
                found.discard(previous_term)
            compounded.update((matched, previous_term))
        previous = previous if meaning.startswith("env:") else meaning
        previous_term = previous_term if meaning.startswith("env:") else matched
        qualifier = clause.last[0] in concept_ids and meaning not in concept_ids
        clause.last = (
            (clause.last[0], clause.last[1] + matched) if qualifier else (meaning, matched)
        )
        if token in alternative_ends and length == 1 and clause.alternative:
            # "host it in Route 53 instead of GoDaddy and switch the nameservers", "scale on
            # queue depth rather than CPU by introducing KEDA": the alternative names what is
            # replaced; what follows "and" (or the means: "by", "using") is the change again
            clauses.append(_Clause(set(), set()))
            continue
        if token == "and" and length == 1 and next_meaning(tokens, i, table) in actions:
            # "enable PITR and upgrade the DB": an action after "and" starts a new clause
            clauses.append(_Clause(set(), set()))
            continue
        if token == "and" and length == 1 and next_meaning(tokens, i, table) in _KEPT:
            # "upgrade X and leave/keep Y as it is": what is left alone is its own clause
            clauses.append(_Clause(set(), set()))
            continue
        # "10 nodes instead of 6", "every 5m instead of every hour", "r6g.xlarge instead of ...":
        replaced_is_a_number = i < len(tokens) and (tokens[i].isdigit() or tokens[i] in amounts)
        if meaning == "~alt" and clause.mode == "stated" and clause.last[0] in sizes:
            clause.stated.add("resize")
        elif meaning == "~alt" and clause.mode == "stated" and not replaced_is_a_number:
            # "host it in Route 53 instead of GoDaddy": the clause replaces something
            clause.stated.add("migration")
        if not clause.words:
            clause.opens = meaning
            start = i - length
            clause.asks = any(tuple(tokens[start : start + len(v)]) == v for v in asks)
        clause.past = clause.past or past
        clause.state = clause.state or stating
        following = (next_meaning(tokens, i, table), next_meaning(tokens, i + 1, table))
        if matched == ("without",) and is_condition(clause.stated, following, rules):
            pass  # "deny pods without limits": what the rule looks for, not a negation
        elif meaning == "~except":
            outer.append(clause)
            clauses.append(_Clause(set(), set(), mode="negated", exception=True))
        elif meaning in ("~not", "~alt"):
            negation = _Clause(set(), set(), mode="negated", alternative=meaning == "~alt")
            negation.relative = clause.relative  # "pods that declare no requests should ..."
            if clause.subject_environment and not clause.stated & concept_ids:
                # "prod isn't involved", "staging is not affected": the subject is negated
                negation.environments, clause.environments = clause.environments, set()
            clause = negation
            clauses.append(clause)
        elif (
            meaning == "~context"
            and matched in consequences
            and (
                next_meaning(tokens, i + (tokens[i : i + 1] == ["please"]), table) in actions
                or any(tuple(tokens[i : i + len(v)]) == v for v in asks)
            )
        ):
            # "Loki has replaced ELK, so tear it down": a consequence that is itself the change
            clauses.append(_Clause(set(), set()))
        elif meaning == "~context":
            relative = matched in relatives  # "the cache that holds sessions should be ..."
            clauses.append(_Clause(set(), set(), mode="context", relative=relative))
        elif meaning == "~break" and clause.mode == "context" and matched in adverbs:
            pass  # "..., which only ran search, ...": an adverb in a reason, not a new clause
        elif meaning == "~break":
            clauses.append(_Clause(set(), set()))
        elif meaning == "~take-back" and before != "enforce":  # not "an SCP denying leaving"
            clause.taken_back = True
        elif meaning == "~env-take-back":
            # "staging and prod keep using Secrets Manager": only when the clause is about an
            # environment ("keep 35 days of backups", "... of workload-prod and keep only the
            # private endpoint" are the change itself)
            # "prod keeps hitting IP exhaustion" is a symptom (a state), not prod left alone
            symptom = matched[0] == "keep" and stating
            clause.taken_back = clause.taken_back or (clause.subject_environment and not symptom)
        elif meaning == "~non-production":
            clause.environments |= {
                e.id for e in knowledge.environments if e.usual_path and not e.prod
            }
        elif meaning.startswith("env:"):
            clause.environments.add(meaning[4:])
            if clause.words <= 1:  # "prod ...", "the staging cluster ...", "staging and prod"
                clause.subject_environment = True
        else:
            if meaning in watchers and clause.mode == "stated" and clause.phrase:
                # "an ACM certificate expiry alert": what stands before an alert in its noun
                # phrase is what the alert watches, not what changes
                clause.watched |= set(clause.phrase) - actions - kept
                clause.stated -= clause.watched
                clause.phrase = []
            elif meaning in actions or meaning in phrase_ends:
                clause.phrase = []
            elif meaning in concept_ids:
                clause.phrase.append(meaning)
            if clause.forbids and meaning in actions:
                clause.watched.add(meaning)  # what a rule forbids is not what the change does
            else:
                clause.stated.add(meaning)
            forbidden = meaning == "enforce" and clause.words and matched[0] in forbidding
            clause.forbids = clause.forbids or bool(forbidden)
            if not compound and not listed and matched not in compounded:
                terms.setdefault(meaning, set()).add(matched)
            if versions and re.fullmatch(r"v?\d+", meaning):  # the version change is this clause's
                clause.stated.add("version-hop")
                if major:  # "13 -> 16", not "15.5 to 15.7" or "1.28 to 1.29"
                    clause.stated.add("major-version")
            if meaning in sized:
                clause.stated.add("resize")
        clause.words += 1
        if meaning in watchers and clause.mode == "stated" and tokens[i : i + 1] in watched:
            # "a CloudWatch alarm on the ALB 5xx rate": what the alarm watches is context (and
            # "alert on buckets without encryption" still states what the alert looks for)
            clauses.append(_Clause({meaning}, set(), mode="context", watching=True))
            i += 1
    stated: list[set[str]] = []
    context: set[str] = set()
    seen_watched: set[str] = set()  # what an alert or a dashboard watches ("a panel of downtime")
    envs: set[str] = set()
    doing: set[str] = set()  # the actions of the last stated clause
    excluded: set[str] = set()
    # "introduce a PDB" adds one; "introduce Linkerd" brings in a tool; "introduce a Gatekeeper
    # constraint ..., dryrun only" adds a constraint (a mode may be said in another clause)
    said = set().union(*(c.stated for c in clauses if c.mode == "stated" and not c.taken_back))
    modes = said & set(rules.introduced_modes)
    present = [
        c
        for c in clauses
        if c.mode == "stated" and not c.taken_back and not c.past and not c.state
        if c.stated & concept_ids or c.asks
    ]

    def given(clause: _Clause) -> bool:
        """A clause that gives a fact (what happened, how things are now) beside a clause that
        asks for something; a past clause that opens with an action is the ask ("revert ...")."""
        if not present or clause in present:
            return False
        if clause.state:
            # "the prod RDS disk is nearly full, so grow it": an ask that names nothing of its
            # own acts on what the problem names
            return any((c.stated & concept_ids) - actions for c in present)
        return clause.past and clause.opens not in actions

    for clause in dict.fromkeys(clauses):  # a resumed clause is read once
        if "introduce" in clause.stated:
            added = clause.stated & set(rules.introduced_objects) or modes
            clause.stated.add("add" if added else "new-tool")
        if clause.mode == "negated" or clause.taken_back:
            negated |= clause.stated | {f"env:{e}" for e in clause.environments}
            if not clause.stated & concept_ids:
                excluded |= clause.environments
        elif clause.mode == "stated" and given(clause):
            # "retire the HAProxy VMs; traffic moved to the ALB three months ago", "add PDBs;
            # node upgrades keep evicting every replica": a fact the request gives (when it is
            # all the request says, it is what is asked: "revert the upgrade we rolled out two
            # days ago")
            context |= clause.stated
            if clause.state:  # "prod keeps timing out; raise its HPA max": the fix goes there
                envs |= clause.environments
        elif clause.mode == "stated":
            # "delete the server, its volumes and its bucket": a list item takes the action before
            if clause.stated & concept_ids and not clause.stated & actions:
                clause.stated |= doing
            elif any(stated) and not (clause.stated & concept_ids) - actions:
                # "the old cluster, which only ran search, should be deleted": an action with no
                # subject of its own is done to what the sentence named before
                next(s for s in reversed(stated) if s).update(clause.stated)
            doing = (clause.stated & actions) - _OWN or doing
            stated.append(clause.stated)
            context |= clause.watched
            seen_watched |= clause.watched
            envs |= clause.environments
        else:
            context |= clause.stated
            seen_watched |= clause.stated if clause.watching else set()
            if clause.environments and not clause.stated & concept_ids and clause.words <= 2:
                # "staging before prod", "dev first, then prod after the freeze": an environment
                # the rollout reaches later is still reached
                envs |= clause.environments
    # a concept named by two different terms ("ingress-nginx" → "gateway api") is counted twice
    twice = {
        f"{c}*2" for c, found in terms.items() if len(found) >= 2 and c in set().union(*stated)
    }
    concepts = set().union(*stated) | twice
    # "back to audit mode; Enforce is blocking deploys": what a concept undoes is not the change
    undone = {
        f"{u}{n}" for c, us in rules.undoes.items() if c in concepts for u in us for n in ("", "*2")
    }
    concepts -= undone
    negated |= undone & set().union(*stated, twice)
    first_words = tuple(words(text)[:5])
    # "is it possible to add ...?" suggests a change (the opening is taken off before reading)
    suggests = any(text.lower().lstrip().startswith(o) for o in rules.suggestion_openings)

    def opens(said: list[str]) -> bool:
        return any(first_words[: len(q)] == q for q in (tuple(words(w)) for w in said))

    # "Explain what RPO means": a request for an explanation, with or without a question mark
    question = opens(rules.explanation_openings) or (
        not suggests and text.rstrip().endswith("?") and opens(rules.question_words)
    )
    errands = [tuple(words(e)) for e in rules.errand_words]  # "book a meeting room for ..."
    opening = tuple(words(text)[: rules.errand_reach])
    errand = any(opening[i : i + len(e)] == e for e in errands for i in range(len(opening)))
    order = [e.id for e in knowledge.environments]
    return Reading(
        concepts=frozenset(concepts),
        negated=frozenset(negated - concepts),
        environments=tuple(e for e in order if e in envs),
        versions=versions,
        question=question,
        errand=errand,
        clauses=tuple(frozenset((c | twice) - undone) for c in stated if c),
        context=frozenset(context),
        watched=frozenset(seen_watched),
        excluded_environments=tuple(e for e in order if e in excluded),
    )
