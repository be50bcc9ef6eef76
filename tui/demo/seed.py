"""Deterministic, realistic seed data for the demo Inbox API.

Threads are seeded with only their last message; the rest of a conversation is generated on
first read from the thread's own seed, so 100,000 threads seed in well under a second.
"""

from __future__ import annotations

import base64
import hashlib
import random
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from tui.demo.records import (
    AccountLinkRec,
    AttachmentRec,
    LabelRec,
    MemberRec,
    MessageRec,
    ProspectRec,
    ThreadRec,
    conversation_id,
)

_ALNUM = string.ascii_lowercase + string.digits


def to_millis(value: datetime) -> datetime:
    """The service keeps timestamps to the millisecond (cursors carry them that way)."""
    return value.replace(microsecond=value.microsecond // 1000 * 1000)


def make_id(rng: random.Random) -> str:
    """A CUID2-shaped ID: 24 lowercase letters and digits, starting with a letter."""
    number = rng.getrandbits(120)  # 36**23 > 2**118: enough for 23 base-36 digits
    digits = []
    for _ in range(23):
        number, rem = divmod(number, 36)
        digits.append(_ALNUM[rem])
    return string.ascii_lowercase[number % 26] + "".join(digits)


FIRST_NAMES = [
    "Jordan",
    "Maya",
    "Liam",
    "Sofia",
    "Noah",
    "Aisha",
    "Mateo",
    "Chloe",
    "Ethan",
    "Priya",
    "Lucas",
    "Amara",
    "Oliver",
    "Zara",
    "Kenji",
    "Elena",
    "Omar",
    "Hannah",
    "Diego",
    "Ingrid",
    "Ravi",
    "Lena",
    "Tobias",
    "Yuki",
    "Felix",
    "Nadia",
    "Marcus",
    "Clara",
    "Idris",
    "Freya",
    "Samuel",
    "Leila",
    "Jonas",
    "Mei",
    "Andre",
    "Talia",
    "Viktor",
    "Rosa",
    "Kofi",
    "Astrid",
    "Hugo",
    "Imani",
    "Rafael",
    "Nora",
    "Dev",
    "Ana",
]
LAST_NAMES = [
    "Rivera",
    "Patel",
    "Nguyen",
    "Schmidt",
    "Okafor",
    "Rossi",
    "Kim",
    "Haddad",
    "Novak",
    "Silva",
    "Larsen",
    "Cohen",
    "Tanaka",
    "Moreau",
    "Mensah",
    "Fischer",
    "Costa",
    "Ivanova",
    "Walsh",
    "Duarte",
    "Berg",
    "Sato",
    "Laurent",
    "Achebe",
    "Lindqvist",
    "Varga",
    "Oyelaran",
    "Marsh",
    "Quinn",
    "Romero",
    "Holt",
    "Abbasi",
    "Kowalski",
    "Brennan",
    "Ferreira",
    "Yilmaz",
    "Dubois",
    "Ahn",
    "Ward",
    "Castillo",
]
COMPANIES = [
    "TechCo",
    "Northwind",
    "Lumen",
    "Brightpath",
    "Quanta",
    "Helix",
    "Orbital",
    "Fernway",
    "Cobalt",
    "Kitestring",
    "Parallax",
    "Meridian",
    "Tidal",
    "Foundry",
    "Waypoint",
    "Sundial",
    "Granite",
    "Beacon",
    "Fieldnote",
    "Ledgerly",
    "Nimbus",
    "Arcwell",
]
ROLES = (
    "Founder",
    "Co-founder & CEO",
    "Head of Growth",
    "VP Sales",
    "Director of Marketing",
    "Product Manager",
    "Engineer",
    "Community lead",
    "Investor",
    "Designer",
    "Head of Partnerships",
    "Indie hacker",
)
BIO_TAILS = (
    "Building the future of SaaS.",
    "Tweets about growth, GTM and coffee.",
    "Previously at a FAANG. Opinions my own.",
    "Helping teams ship faster.",
    "Angel investor. DMs open.",
    "Obsessed with developer experience.",
    "Bootstrapped to $2M ARR.",
    "Writing about B2B sales every week.",
)
LOCATIONS = (
    "San Francisco, CA",
    "New York, NY",
    "London, UK",
    "Berlin, Germany",
    "Lagos, Nigeria",
    "Bangalore, India",
    "Toronto, Canada",
    "Austin, TX",
    "Tokyo, Japan",
    "Remote",
    "São Paulo, Brazil",
    None,
)
INBOUND_LINES = (
    "Hey! Saw your post about the new pricing, is there a team plan?",
    "Thanks for reaching out. What does onboarding look like for a team of 12?",
    "Sounds great, let's schedule a call!",
    "Can you send over a case study from a company our size?",
    "We're evaluating a few tools this quarter. How do you compare to the big CRMs?",
    "Quick question: do you integrate with HubSpot?",
    "Not the right time for us, maybe next quarter.",
    "Our budget gets approved in January, can we revisit then?",
    "Love what you're building 🙌",
    "Who else on your team should I loop in?",
    "Is there an annual discount?",
    "Just checked the demo, the inbox views are exactly what we need.",
    "Can you do Thursday at 3pm PT?",
    "Forwarding this to our Head of Sales.",
    "What's the security story? We need SOC 2.",
    "Sorry for the slow reply, crazy week.",
    "Yes please, send the proposal over.",
    "How many seats does the Growth plan include?",
    "我们团队在上海，有中文支持吗？",
    "👍",
)
OUTBOUND_LINES = (
    "Thanks for reaching out! I'd love to learn more about your project.",
    "Happy to help. Would a 20-minute call this week work?",
    "Here's the case study I mentioned: a 14-person team that cut reply time by 60%.",
    "Yes, we integrate with HubSpot and Salesforce out of the box.",
    "Totally understand. I'll check back in January.",
    "Sending the proposal now. Let me know if anything is unclear.",
    "Annual plans come with two months free.",
    "Great talking today! Recap and next steps below.",
    "Looping in my colleague who runs onboarding.",
    "We're SOC 2 Type II, happy to share the report under NDA.",
    "Thursday 3pm PT works, invite sent.",
    "Just following up on this, any thoughts?",
    "Congrats on the launch! 🎉",
)
CAMPAIGN_OPENERS = (
    "Hi {name}, loved your thread on outbound. We built a DM inbox for sales teams: a look?",
    "Hey {name}! Noticed {company} is hiring SDRs. Mind if I share how teams triage DMs 3x faster?",
)
# Untrusted text the app must render literally (Rich markup, escape sequences, controls).
HOSTILE_LINES = (
    "[bold red]URGENT[/] please reply, see [link=https://evil.example]this[/link]",
    "colours \x1b[31mRED\x1b[0m and a title change \x1b]0;pwned\x07 inside",
    "clipboard write \x1b]52;c;ZXZpbA==\x07 and an OSC 8 \x1b]8;;https://evil.example\x07link\x1b]8;;\x07",
    "bidi \u202eexe.txt\u202c zero\u200bwidth and a bell \x07 and C1 \x9b31m",
)
HOSTILE_NAME = "[blink]Mallory[/blink] \x1b[2J"

TAGS = (
    ("Hot Lead", "#ef4444"),
    ("Enterprise", "#3b82f6"),
    ("Partner", "#10b981"),
    ("Follow Up", "#f59e0b"),
    ("Investor", "#8b5cf6"),
    ("Churn Risk", "#f97316"),
)
STATUSES = (
    ("New", "#3b82f6"),
    ("Qualified", "#f59e0b"),
    ("Proposal", "#8b5cf6"),
    ("Won", "#10b981"),
    ("Lost", "#6b7280"),
)
COLORS = (
    ("red", "#ef4444"),
    ("orange", "#f97316"),
    ("amber", "#f59e0b"),
    ("yellow", "#eab308"),
    ("green", "#10b981"),
    ("teal", "#14b8a6"),
    ("blue", "#3b82f6"),
    ("indigo", "#6366f1"),
    ("violet", "#8b5cf6"),
    ("pink", "#ec4899"),
    ("gray", "#6b7280"),
)
CAMPAIGNS = (("Q4 Founders outreach",), ("SDR hiring signal",))


@dataclass(frozen=True)
class Team:
    """One demo team: who works there, the accounts it sends from, its labels. The demo has
    two, each served under its own key (several accounts in one app, #38)."""

    name: str
    slug: str
    members: tuple[tuple[str, str, str], ...]  # name, email, role
    account_links: tuple[tuple[str, str], ...]  # display name, username (X)
    paused_link: tuple[str, str, list[str]]  # display name, username, pause reasons
    linkedin_link: tuple[str, str, str]  # display name, profile, platform
    third_platform_link: tuple[str, str, str]
    tags: tuple[tuple[str, str], ...]
    currency: str = "USD"
    seed_offset: int = 0  # added to the seed: another team, other people


ACME = Team(
    name="Acme Corp",
    slug="acme-demo",
    members=(
        ("Alex Chen", "alex@acmecorp.com", "owner"),
        ("Priya Natarajan", "priya@acmecorp.com", "admin"),
        ("Sam Okafor", "sam@acmecorp.com", "user"),
    ),
    account_links=(("Acme Corp", "acmecorp"), ("Jordan at Acme", "jordan_acme")),
    # A third account link, paused (the team's plan ran out for it): its few threads read
    # fine, sending from it is refused.
    paused_link=("Acme Support", "acme_support", ["billing"]),
    # A fourth, on the second platform (LinkedIn): a person's own profile, as LinkedIn links
    # are; a fifth on a third (Instagram).
    linkedin_link=("Priya Natarajan", "priya-natarajan-acme", "linkedin"),
    third_platform_link=("Acme Studio", "acme.studio", "instagram"),
    tags=TAGS,
)
NORTHWIND = Team(
    name="Northwind Labs",
    slug="northwind-demo",
    members=(
        ("Maya Lindqvist", "maya@northwindlabs.io", "owner"),
        ("Tomás Ribeiro", "tomas@northwindlabs.io", "user"),
    ),
    account_links=(("Northwind Labs", "northwindlabs"), ("Maya at Northwind", "maya_northwind")),
    paused_link=("Northwind Events", "northwind_events", ["billing"]),
    linkedin_link=("Maya Lindqvist", "maya-lindqvist-northwind", "linkedin"),
    third_platform_link=("Northwind Studio", "northwind.studio", "instagram"),
    tags=(
        ("Design Partner", "#14b8a6"),
        ("Pilot", "#6366f1"),
        ("Agency", "#ec4899"),
        ("Renewal", "#f59e0b"),
    ),
    currency="EUR",
    seed_offset=1000,
)
TEAMS = (ACME, NORTHWIND)  # the demo's teams: team 1, team 2


SYNCING_INDEX = 3
# Threads on the paused link (drawn apart from the seed's other values, which stay put): every
# 40th from the 23rd; on the LinkedIn link every 20th from the 8th; on the third platform's
# every 40th from the 31st.
PAUSED_EVERY = 40
LINKEDIN_EVERY, LINKEDIN_FROM = 20, 8
THIRD_PLATFORM_EVERY, THIRD_PLATFORM_FROM = 40, 31
# What LinkedIn people add to their role in their headline.
HEADLINE_TAILS = (
    "B2B SaaS",
    "Revenue operations",
    "Hiring SDRs",
    "Go-to-market for developer tools",
    "Ex-Salesforce",
    "Partnerships & alliances",
    "Speaker · Advisor",
)
# Of the people nobody has written to yet, these are on LinkedIn (the rest on X).
LINKEDIN_STRANGERS = (2, 7, 12, 17)
# Thread 1 has typing indicators turned off; thread 7 does not allow quoting or reactions
# (restrictions beyond what an older DM has).
TYPING_OFF_INDEX = 1
RESTRICTED_INDEX = 7
RESTRICTED = ["message:reply", "message:react"]


@dataclass
class SeedConfig:
    threads: int = 300
    seed: int = 7
    anchor: datetime | None = None  # "now" of the seed; defaults to the store's clock
    long_thread_messages: int = 300
    uncontacted_people: int = 20
    inbound_every: float | None = None  # seconds between simulated inbound DMs (None: off)
    # One thread (the fourth) is still importing its history for this long after first read.
    syncing_seconds: float = 8.0
    # Generate threads only as requests reach them (fast start for large demos); the answers
    # are the same as an eager store's.
    lazy: bool = False
    team: Team = ACME  # whose inbox (the demo has two teams: TEAMS)


@dataclass
class Seeded:
    team_id: str
    members: list[MemberRec]
    account_links: list[AccountLinkRec]
    tags: list[LabelRec]
    statuses: list[LabelRec]
    campaign_ids: list[str]
    campaign_names: dict[str, str]
    prospects: list[ProspectRec]
    threads: list[ThreadRec]


class Seeder:
    def __init__(self, config: SeedConfig, anchor: datetime) -> None:
        self.config = config
        self.anchor = anchor
        self.team = config.team
        self.seed = config.seed + config.team.seed_offset
        self.rng = random.Random(self.seed)

    def build(self) -> Seeded:
        """Everything at once."""
        seeded = self.build_directory()
        for _ in self.thread_stream(seeded):
            pass
        self.finish(seeded)
        return seeded

    def finish(self, seeded: Seeded) -> None:
        """After the last thread: the people nobody has written to yet."""
        for n in range(self.config.uncontacted_people):
            prospect = self._prospect(seeded, len(seeded.prospects))
            if n in LINKEDIN_STRANGERS:
                on_linkedin(prospect)
            seeded.prospects.append(prospect)

    def build_directory(self) -> Seeded:
        """The team, members, account links, labels and campaigns; no threads yet."""
        rng, anchor, team = self.rng, self.anchor, self.team
        founded = anchor - timedelta(days=400)
        members = [
            MemberRec(make_id(rng), make_id(rng), name, email, role, founded)
            for name, email, role in team.members
        ]
        links = [
            AccountLinkRec(
                make_id(rng),
                str(1_566_123_362_161_725_440 + team.seed_offset + i),
                name,
                user,
                founded,
            )
            for i, (name, user) in enumerate(team.account_links)
        ]
        name, user, reasons = team.paused_link
        paused_id = make_id(random.Random(self.seed + 3))
        paused_platform_id = str(1_566_123_362_161_725_440 + team.seed_offset + len(links))
        paused = AccountLinkRec(paused_id, paused_platform_id, name, user, founded, "paused")
        paused.pause_reasons = list(reasons)
        name, user, platform = team.linkedin_link
        linkedin = AccountLinkRec(
            make_id(random.Random(self.seed + 6)),
            linkedin_member_id(f"{self.seed}:{user}"),
            name,
            user,
            founded,
            platform=platform,
        )
        name, user, platform = team.third_platform_link
        elsewhere = AccountLinkRec(
            make_id(random.Random(self.seed + 5)),
            str(17_841_400_000_000_000 + self.seed),
            name,
            user,
            founded,
            platform=platform,
        )
        tags = [LabelRec(make_id(rng), n, c, founded) for n, c in team.tags]
        statuses = [LabelRec(make_id(rng), n, c, founded) for n, c in STATUSES]
        campaign_ids = [make_id(rng) for _ in CAMPAIGNS]
        seeded = Seeded(
            team_id=make_id(rng),
            members=members,
            account_links=[*links, paused, linkedin, elsewhere],
            tags=tags,
            statuses=statuses,
            campaign_ids=campaign_ids,
            campaign_names={cid: c[0] for cid, c in zip(campaign_ids, CAMPAIGNS, strict=True)},
            prospects=[],
            threads=[],
        )
        return seeded

    def _prospect(self, seeded: Seeded, index: int) -> ProspectRec:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        company = rng.choice(COMPANIES)
        role = rng.choice(ROLES)
        username = f"{first}{last}".lower() + ("" if index < 1500 else str(index))
        if index % 3 == 1:
            username = f"{first.lower()}_{company.lower()}" + ("" if index < 1500 else str(index))
        followers = int(rng.lognormvariate(7.2, 1.8))
        verified = rng.choices(("none", "verified", "business", "government"), (78, 17, 4, 1))[0]
        prospect = ProspectRec(
            external_id=make_id(rng),
            platform_id=str(1_700_000_000_000_000_000 + index * 7919 + rng.randrange(7919)),
            username=username,
            display_name=f"{first} {last}",
            bio=None if rng.random() < 0.1 else f"{role} at {company}. {rng.choice(BIO_TAILS)}",
            location=rng.choice(LOCATIONS),
            website_domain=f"{company.lower()}.com" if rng.random() < 0.55 else None,
            verified=verified,
            profile_type="business" if verified == "business" else "personal",
            follower_count=followers,
            following_count=int(rng.lognormvariate(6, 1.1)),
            post_count=int(rng.lognormvariate(7, 1.5)),
            created_on_platform=self.anchor - timedelta(days=rng.randrange(200, 5000)),
            first_seen_at=self.anchor - timedelta(days=rng.randrange(1, 400)),
            confidence=round(rng.uniform(0.55, 0.99), 2),
            is_fresh=rng.random() < 0.7,
        )
        if rng.random() < 0.55:
            prospect.tags = rng.sample([t.id for t in seeded.tags], rng.choice((1, 1, 2, 3)))
        if rng.random() < 0.7:
            prospect.status_id = rng.choice(seeded.statuses).id
        if rng.random() < 0.4:
            prospect.valuation = float(rng.randrange(1, 200) * 500)
        if rng.random() < 0.2:
            prospect.notes = rng.choice(
                (
                    "Decision maker. Follow up next week.",
                    "Met at SaaStr. Wants a pilot for 5 seats.",
                    "Budget approved Q1.\nNeeds SOC 2 report before signing.",
                    "Warm intro from Priya.",
                )
            )
        return prospect

    def thread_stream(self, seeded: Seeded) -> Iterator[ThreadRec]:
        """The threads newest first, one at a time (each also appended to `seeded`): a lazy
        store takes only what its first pages need."""
        rng, cfg = self.rng, self.config
        n = cfg.threads
        mean_gap = min(4 * 3600.0, 90 * 86400.0 / max(n, 1))
        age = 60.0
        for i in range(n):
            age += rng.expovariate(1 / mean_gap)
            sort_at = to_millis(self.anchor - timedelta(seconds=age))
            # Every 25th thread is the same person on the other account link.
            shared = i % 25 == 2 and seeded.threads
            if shared:
                previous = seeded.threads[-1]
                prospect = previous.prospect
                link = next(x for x in seeded.account_links if x.id != previous.account_link_id)
            else:
                prospect = self._prospect(seeded, len(seeded.prospects))
                seeded.prospects.append(prospect)
                link = seeded.account_links[0 if rng.random() < 0.7 else 1]
                if i % PAUSED_EVERY == 23:
                    link = seeded.account_links[2]
                # Not just before a shared thread: that one takes the person to an X link.
                before_shared = (i + 1) % 25 == 2
                if i % LINKEDIN_EVERY == LINKEDIN_FROM and not before_shared:
                    link = seeded.account_links[3]
                    on_linkedin(prospect)
                if i % THIRD_PLATFORM_EVERY == THIRD_PLATFORM_FROM and not before_shared:
                    link = seeded.account_links[4]
                    prospect.platform = link.platform
            thread = self._thread(seeded, i, prospect, link, sort_at)
            seeded.threads.append(thread)
            yield thread

    def _thread(
        self,
        seeded: Seeded,
        index: int,
        prospect: ProspectRec,
        link: AccountLinkRec,
        sort_at: datetime,
    ) -> ThreadRec:
        rng = self.rng
        if index == 4:
            count = self.config.long_thread_messages
        else:
            count = min(300, max(1, int(rng.lognormvariate(1.6, 0.9))))
        if index == SYNCING_INDEX:
            count = max(count, 24)
        if index == 0:
            count = max(count, 9)  # room for its tour of attachments
        is_request = rng.random() < 0.07 or index == 5
        inbound_last = is_request or rng.random() < 0.45 or index in (0, 6, 9, 11, 14)
        done = not is_request and index > 12 and rng.random() < 0.15
        campaign_id = rng.choice(seeded.campaign_ids) if rng.random() < 0.15 else None
        span = timedelta(minutes=rng.randrange(5, 60 * 24 * 3) * max(1, min(count, 40)))
        created_at = to_millis(sort_at - span) if count > 1 else sort_at
        thread = ThreadRec(
            id=make_id(rng),
            platform_id=conversation_id(link.platform, link.platform_id, prospect.platform_id),
            account_link_id=link.id,
            prospect=prospect,
            created_at=created_at,
            sort_at=sort_at,
            last_message=None,
            message_count=count,
            seed=rng.randrange(1 << 30),
            platform=link.platform,
            done=done,
            assignee_id=rng.choice(seeded.members).id if rng.random() < 0.5 else None,
            status="idle" if rng.random() < 0.02 and index > 12 else "active",
            variant="unencrypted" if is_request or count == 1 else "xChat",
            is_request=is_request,
            campaign_id=campaign_id,
            sync_seconds=self.config.syncing_seconds if index == SYNCING_INDEX else 0.0,
        )
        # About a third of the threads that wait on us are unread (v2 shows it), the newest one
        # among them; drawn from the thread's own seed, so every other seeded value stays put.
        thread.unread = inbound_last and not done and (index == 0 or thread.seed % 3 == 0)
        thread.showcase_media = index == 0
        if index == TYPING_OFF_INDEX:
            thread.typing_indicators = "disabled"
        if index == RESTRICTED_INDEX:
            thread.restrictions = list(RESTRICTED)
        if index in (6, 9, 11, 14):
            content = HOSTILE_LINES[(6, 9, 11, 14).index(index)]
        elif inbound_last:
            content = rng.choice(INBOUND_LINES)
        else:
            content = rng.choice(OUTBOUND_LINES)
        if index == 11:
            prospect.display_name = HOSTILE_NAME
        author = prospect.external_id if inbound_last else link.id
        member = rng.choice(seeded.members).id if not inbound_last and rng.random() < 0.7 else None
        last_campaign = None
        if campaign_id is not None and count == 1:
            # A campaign opener nobody has answered yet: the campaign's own message is last.
            inbound_last, author, member, last_campaign = False, link.id, None, campaign_id
            first = prospect.display_name.split()[0] if prospect.display_name else "there"
            content = CAMPAIGN_OPENERS[0].format(name=first, company="your team")
            thread.is_request = False
        thread.last_message = MessageRec(
            id=make_id(rng),
            thread_id=thread.id,
            author_id=author,
            user_id=member,
            campaign_id=last_campaign,
            content=content,
            origin="internal" if last_campaign or (member and not inbound_last) else "external",
            created_at=sort_at,
            platform_id=str(1_880_000_000_000_000_000 + rng.randrange(10**15)),
        )
        return thread


def linkedin_member_id(key: str) -> str:
    """A LinkedIn member ID as its API gives them ("ACoAA" and 34 more URL-safe characters),
    drawn from `key` so that no other seeded value moves."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(key.encode()).digest()).decode()
    return "ACoAA" + digest[:34]


def on_linkedin(prospect: ProspectRec) -> None:
    """A seeded person made a LinkedIn member: a profile slug from their name, a member ID, a
    headline for a bio, and a person (LinkedIn's verification has no business or government
    badge). Drawn from their own ID, so the seed's other values stay put."""
    key = hashlib.sha256(prospect.external_id.encode()).hexdigest()
    name = "".join(c if c.isascii() and c.isalnum() else "-" for c in prospect.display_name)
    slug = "-".join(part for part in name.lower().split("-") if part) or "member"
    prospect.platform = "linkedin"
    prospect.username = f"{slug}-{key[:6]}"
    prospect.platform_id = linkedin_member_id(prospect.external_id)
    if prospect.bio is not None:
        role_at_company = prospect.bio.split(". ")[0]
        tail = HEADLINE_TAILS[int(key[6:10], 16) % len(HEADLINE_TAILS)]
        prospect.bio = f"{role_at_company} | {tail}"
    if prospect.verified != "none":
        prospect.verified = "verified"
    prospect.profile_type = "personal"


def conversation(
    thread: ThreadRec, seeded_members: list[MemberRec], campaign_names: dict[str, str]
) -> list[MessageRec]:
    """The whole conversation of a thread, oldest first, derived from its seed."""
    assert thread.last_message is not None
    rng = random.Random(thread.seed)
    prospect = thread.prospect
    count = thread.message_count
    earlier = count - 1
    messages: list[MessageRec] = []
    start = thread.created_at
    step = (thread.last_message.created_at - start) / max(earlier, 1)
    # Requests are all inbound; otherwise runs of one side, then the other.
    inbound = thread.is_request or thread.campaign_id is None
    run = 0
    for n in range(earlier):
        at = to_millis(start + step * n + timedelta(seconds=rng.randrange(0, 50)))
        if thread.campaign_id is not None and n == 0:
            name = prospect.display_name.split()[0] if prospect.display_name else "there"
            company = (prospect.bio or "your team").split(" at ")[-1].split(".")[0]
            content = rng.choice(CAMPAIGN_OPENERS).format(name=name, company=company)
            messages.append(
                _message(
                    rng,
                    thread,
                    thread.account_link_id,
                    None,
                    thread.campaign_id,
                    content,
                    "internal",
                    at,
                )
            )
            inbound = True
            continue
        if run <= 0 and not thread.is_request:
            inbound = not inbound if n else inbound
            run = rng.choice((1, 1, 1, 2, 2, 3))
        run -= 1
        if inbound:
            content = rng.choice(INBOUND_LINES)
            msg = _message(rng, thread, prospect.external_id, None, None, content, "external", at)
        else:
            content = rng.choice(OUTBOUND_LINES)
            member = rng.choice(seeded_members).id if rng.random() < 0.75 else None
            origin = rng.choice(("internal", "api")) if member else "external"
            msg = _message(rng, thread, thread.account_link_id, member, None, content, origin, at)
        _decorate(rng, msg, messages, seeded_members)
        messages.append(msg)
    # Jitter may reorder neighbours; listing bisects on (createdAt, id), so keep that order,
    # with everything strictly before the seeded last message.
    latest = thread.last_message.created_at - timedelta(milliseconds=1)
    for msg in messages:
        msg.created_at = min(msg.created_at, latest)
    messages.sort(key=lambda m: m.key)
    if thread.showcase_media:
        _showcase_media(messages)
    messages.append(thread.last_message)
    return messages


def sprinkled_attachment(seed: int) -> AttachmentRec:
    """An everyday attachment: mostly pictures, sometimes a document, a voice note or a link."""
    choice = seed % 8
    if choice < 4:
        return AttachmentRec("image", "photo.jpg", "image/png", *PICTURE_SIZES[seed % 3], seed=seed)
    if choice == 4:
        return AttachmentRec("file", "deck.pdf", "application/pdf", seed=seed)
    if choice == 5:
        return AttachmentRec("audio", "voice-note.m4a", "audio/mp4", duration=14.0, seed=seed)
    if choice == 6:
        return AttachmentRec("gif", "reaction.gif", "image/gif", 240, 160, seed=seed)
    return _card(seed)


PICTURE_SIZES = ((480, 320), (320, 320), (360, 480))


def _card(seed: int) -> AttachmentRec:
    return AttachmentRec(
        "card",
        url="https://example.com/pricing",
        title="Pricing · plans for teams",
        description="Seats, volume and what each plan includes.",
        domain="example.com",
        seed=seed,
    )


def _showcase_media(messages: list[MessageRec]) -> None:
    """The top conversation shows every kind of attachment (the demo's tour of them): two
    pictures in one message, a link card, a PDF, a GIF and a video, a voice note, a broken
    image, and a picture the service is still processing."""
    groups = [
        [
            AttachmentRec("image", "whiteboard.png", "image/png", 480, 320, seed=11),
            AttachmentRec("image", "team.jpg", "image/png", 320, 320, seed=12),
        ],
        [_card(13)],
        [AttachmentRec("file", "proposal.pdf", "application/pdf", seed=14)],
        [
            AttachmentRec("gif", "demo.gif", "image/gif", 240, 160, seed=15),
            AttachmentRec("video", "walkthrough.mp4", "video/mp4", 640, 360, 42.0, seed=16),
        ],
        [
            AttachmentRec("audio", "voice-note.m4a", "audio/mp4", duration=9.0, seed=17),
            AttachmentRec("image", "screenshot.png", "image/png", 400, 300, seed=18, broken=True),
        ],
        [AttachmentRec("image", "scan.png", "image/png", 360, 480, seed=19, processing=2)],
    ]
    for n, group in enumerate(groups):
        if messages:
            target = messages[-1 - n % len(messages)]
            target.attachments.extend(group)


def _message(
    rng: random.Random,
    thread: ThreadRec,
    author_id: str,
    user_id: str | None,
    campaign_id: str | None,
    content: str,
    origin: str,
    at: datetime,
) -> MessageRec:
    return MessageRec(
        id=make_id(rng),
        thread_id=thread.id,
        author_id=author_id,
        user_id=user_id,
        campaign_id=campaign_id,
        content=content,
        origin=origin,
        created_at=at,
        platform_id=str(1_880_000_000_000_000_000 + rng.randrange(10**15)),
    )


def _decorate(
    rng: random.Random, msg: MessageRec, earlier: list[MessageRec], members: list[MemberRec]
) -> None:
    """Sprinkle the less common parts of a message: reactions, attachments, replies, edits."""
    roll = rng.random()
    if roll < 0.06:
        msg.reactions = [{"emoji": rng.choice(("👍", "❤️", "😂", "🔥")), "senderId": msg.author_id}]
    elif roll < 0.09:
        # Which kind is drawn from the message's own ID, so no other seeded value moves.
        msg.attachments = [sprinkled_attachment(int(msg.platform_id))]
    elif roll < 0.12 and earlier:
        quoted = rng.choice(earlier)
        msg.reply_data = {"messageId": quoted.id, "content": quoted.content[:80]}
    elif roll < 0.13:
        msg.forward_data = {"tweetId": "1880000000000000001", "url": "https://x.com/i/status/1"}
    elif roll < 0.16:
        msg.is_edited = True
        msg.updated_at = msg.created_at + timedelta(minutes=3)
