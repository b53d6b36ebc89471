"""Vietnamese patterns, kept together: each a named constant with a short English gloss.

Patterns describe *kinds* of lines (a counter block, a post-date line, a signature capacity),
never one portal's exact wording. They tolerate the spelling variants seen on real pages
(ỦY/UỶ, HÒA/HOÀ, THỨ/THÚ, ĐẢNG/ĐÀNG, T/M/TM., Số:/Số) without changing the text.
All matching happens on NFC text.

The vocabulary is written once as named fragments (one token per line, with its gloss) and every
pattern is built from them through `_alt()`, so a new spelling is added in one place.
"""

from __future__ import annotations

import re

I = re.IGNORECASE  # noqa: E741 - short alias used in every pattern below


def _alt(*tokens: str) -> str:
    """Tokens as one non-capturing alternation, longest first (so "THỊ XÃ" wins over "XÃ"); a space in a token
    matches any run of spaces.

    >>> re.fullmatch(_alt("XÃ", "THỊ XÃ"), "THỊ  XÃ") is not None
    True
    """
    return "(?:" + "|".join(t.replace(" ", r"\s+") for t in sorted(tokens, key=len, reverse=True)) + ")"


# --- character classes -------------------------------------------------------------
_VI_LETTERS = (  # every letter of Vietnamese in NFC, both cases
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"  # Latin
    "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư"  # Latin-1 and Latin Extended-A/B letters
    + "".join(map(chr, range(0x1EA0, 0x1EFA)))  # Latin Extended Additional: ạ…ỹ, capitals and small letters alternate
)
UPPER_VI = "".join(c for c in _VI_LETTERS if c.isupper())  # Vietnamese capital letters (NFC), for [...] classes
LOWER_VI = "".join(c for c in _VI_LETTERS if c.islower())  # Vietnamese small letters (NFC)
TERMINAL_PUNCT = ".!?;:…"  # a block ending with one of these is complete
SENTENCE_END = re.compile(r"(?:\./\.|[.!?…]|[.!?…][\"”’)\]]+)\s*$")  # "./." is the legal end mark

# --- spelling variants -------------------------------------------------------------
# (the tone-placement pattern that new_tone_placement applies is in core/text.py, with the other text basics)
UY = _alt(
    "ỦY",  # ủy, new tone placement
    "UỶ",  # uỷ, old tone placement
    "UỸ",  # typo
    "ÙY",  # typo
    "UÝ",  # typo
)  # ủy / uỷ: "committee"
DANG = _alt(
    "ĐẢNG",  # Party
    "ĐÀNG",  # typo seen in a signature
)
HOA = _alt("HÒA", "HOÀ")  # hòa / hoà: "republic" in the motto
THU_ORD = _alt("THỨ", "THÚ", "THỨC")  # "thứ" in PHẦN THỨ, with its typos

# --- administrative units ----------------------------------------------------------
UNIT_WORDS = (  # lower-case, longest first where prefixes overlap
    "thị trấn",  # township (commune level)
    "thị xã",  # town (district level)
    "thành phố",  # city (district or province level)
    "phường",  # ward
    "xã",  # commune
    "huyện",  # rural district
    "quận",  # urban district
    "tỉnh",  # province
)
COMMUNE_UNIT = _alt("xã", "phường", "thị trấn")  # the level this archive is about
UNIT = _alt(*UNIT_WORDS)  # any unit word (match with re.I)
PARTY_UNIT = _alt(*UNIT_WORDS, "khối")  # Party organisations also exist per "khối" (bloc)

# --- signing prefixes --------------------------------------------------------------
SIGN_PREFIX_TOKENS = (
    r"T/M",  # thay mặt: on behalf of a collective body
    r"TM\.",  # same, abbreviated with a dot
    r"TM/",  # same, with a slash
    r"TM(?=\s)",  # same, bare
    r"KT\.",  # ký thay: a deputy signing for the head
    r"KT/",  # same, with a slash
    r"KT(?=\s)",  # same, bare
    r"TUQ\.",  # thừa ủy quyền: by delegation
    r"TL\.",  # thừa lệnh: by order
    r"Q\.",  # quyền: acting head
)
SIGN_PREFIX = "(?:" + "|".join(SIGN_PREFIX_TOKENS) + ")"  # one vocabulary for closing, metadata and text

# --- document types ----------------------------------------------------------------
DOC_TYPES: dict[str, str] = {  # title word(s) in capitals → readable type
    "BÁO CÁO": "Báo cáo",  # report
    "NGHỊ QUYẾT": "Nghị quyết",  # resolution
    "NGHỊ ĐỊNH": "Nghị định",  # government decree
    "KẾ HOẠCH": "Kế hoạch",  # plan
    "THÔNG BÁO": "Thông báo",  # notice
    "THÔNG TƯ LIÊN TỊCH": "Thông tư liên tịch",  # joint circular
    "THÔNG TƯ": "Thông tư",  # circular
    "QUYẾT ĐỊNH": "Quyết định",  # decision
    "CHƯƠNG TRÌNH": "Chương trình",  # programme
    "TỜ TRÌNH": "Tờ trình",  # submission
    "QUY CHẾ": "Quy chế",  # regulation
    "QUY ĐỊNH": "Quy định",  # rules
    "CHỈ THỊ": "Chỉ thị",  # directive
    "KẾT LUẬN": "Kết luận",  # conclusion
    "HƯỚNG DẪN": "Hướng dẫn",  # guidance
    "CÔNG VĂN": "Công văn",  # official letter
    "BIÊN BẢN": "Biên bản",  # minutes
    "ĐỀ ÁN": "Đề án",  # scheme
    "ĐỀ CƯƠNG": "Đề cương",  # outline
    "DIỄN VĂN": "Diễn văn",  # address
}
DOC_TYPE = _alt(*DOC_TYPES)  # a type word in capitals
DOC_TYPE_ANY_CASE = _alt(*DOC_TYPES.values())  # the same, as written in running text (match with re.I)
# number codes name the type too: "74/BC-UBND" → BC = báo cáo
NUMBER_TYPE_CODES: dict[str, str] = {
    "BC": "Báo cáo", "NQ": "Nghị quyết", "NĐ": "Nghị định", "KH": "Kế hoạch", "TB": "Thông báo", "QĐ": "Quyết định",
    "CTr": "Chương trình", "TTr": "Tờ trình", "QC": "Quy chế", "CT": "Chỉ thị", "KL": "Kết luận",
    "HD": "Hướng dẫn", "BB": "Biên bản", "ĐA": "Đề án", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
}

# --- header block (parent body ‖ motto, issuer, number, place-date) ----------------
STATE_BODY = _alt(
    rf"{UY} BAN NHÂN DÂN",  # people's committee
    "HỘI ĐỒNG NHÂN DÂN",  # people's council
    "UBND",  # people's committee, abbreviated
    "HĐND",  # people's council, abbreviated
)
NATIONAL_BODY = _alt(
    "CHÍNH PHỦ",  # the government
    "QUỐC HỘI",  # the national assembly
    "THỦ TƯỚNG CHÍNH PHỦ",  # the prime minister
    rf"{UY} BAN THƯỜNG VỤ QUỐC HỘI",  # the assembly's standing committee
    r"BỘ [A-ZĐ]\S*(?: \S+){0,6}",  # a ministry: "BỘ TÀI CHÍNH"
    r"BAN CHỈ ĐẠO(?: \S+){0,8}",  # a steering committee
    r"BCĐ(?: \S+){0,8}",  # the same, abbreviated
)
PARTY_PARENT = re.compile(rf"^{DANG}\s+BỘ\s+{PARTY_UNIT}\b.*$", I)  # "ĐẢNG BỘ HUYỆN …": the parent Party organisation
PARTY_ISSUER = re.compile(rf"^(?:BAN\s+CHẤP\s+HÀNH\s+)?{DANG}\s+{UY}\s+{PARTY_UNIT}\b.*$", I)  # "ĐẢNG ỦY PHƯỜNG …": issuing Party committee
PARTY_CELL_ISSUER = re.compile(rf"^(?:CHI\s+BỘ|BAN\s+THƯỜNG\s+VỤ|{DANG}\s+{UY})\b.*$", I)  # other Party bodies
STATE_ISSUER_HEAD = re.compile(rf"^(?:{STATE_BODY}|{UY}\s+BAN\s+MẶT\s+TRẬN.*)$", I)  # "ỦY BAN NHÂN DÂN" people's committee / council
STATE_ISSUER_FULL = re.compile(rf"^{STATE_BODY}\s+{UNIT}\b.*$", I)  # "ỦY BAN NHÂN DÂN PHƯỜNG …"
NATIONAL_ISSUER = re.compile(rf"^{NATIONAL_BODY}$")  # "CHÍNH PHỦ", "BỘ TÀI CHÍNH" (capitals only)
UNIT_LINE = re.compile(rf"^{UNIT}\s+\S.*$", I)  # second line of a state issuer: "PHƯỜNG THẮNG LỢI"
MOTTO_PARTY = rf"{DANG}\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"  # the Party motto line
MOTTO_STATE_HEAD = rf"CỘNG\s+{HOA}\s+XÃ\s+HỘI"  # the national motto's first words (portals wrap it after HỘI)
MOTTO_STATE = rf"{MOTTO_STATE_HEAD}\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM"  # the national motto
MOTTO_STATE_2 = r"Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc"  # "Independence - Freedom - Happiness"
PARTY_MOTTO = re.compile(rf"^{MOTTO_PARTY}$", I)
STATE_MOTTO = re.compile(rf"^{MOTTO_STATE}$", I)
STATE_MOTTO_2 = re.compile(rf"^{MOTTO_STATE_2}$", I)
MOTTO_INSIDE = re.compile(rf"{MOTTO_PARTY}|{MOTTO_STATE}|{MOTTO_STATE_2}", I)  # a motto sharing a line with the other column
# a number followed by more words: "65 NĂM …", "2021 – 2026 THÔNG QUA" (never in a body's name; "PHƯỜNG 1" ends with it)
HEADLINE_DIGITS = re.compile(r"\d+\s*[-–]?\s*[^\W\d_]")
HEADER_ORNAMENT = re.compile(r"^[*\-–—_=~.\s|]{1,20}$")  # the "*" or rule under a header line, or a lone column bar
NUMBER_LINE = re.compile(rf"^(?:{DOC_TYPE_ANY_CASE}\s+)?Số\s*(?::|\.)?\s*(?P<number>.*)$", I)  # "Số: 74/BC-UBND", "Số 31-NQ/ĐU", "Nghị quyết số: 5"
# "74/BC-UBND", "06/2024/QĐ-UBND"
NUMBER_VALUE = re.compile(r"^(?P<n>\d+[A-Za-z]?)(?:/\d{4})?\s*[-/]\s*(?P<code>[A-ZĐ][A-ZĐa-zđ0-9\-/.]*[A-ZĐa-zđ])$")
NOT_A_PLACE = _alt(
    "Sáng", "Chiều", "Tối", "Trưa", "Đêm",  # times of day: "Chiều ngày 23 …" opens a news sentence
    "Vào", "Trong", "Từ", "Đến", "Hôm", "Cũng", "Ngày", "Tại",  # prepositions and openers
)
PLACE = rf"(?!{NOT_A_PLACE}\b)(?P<place>[^\W\d_][^,0-9:/]{{1,59}}?)"  # the place in front of the date line
PLACE_DATE = re.compile(
    rf"^{PLACE},?\s+ngày\s*(?P<day>\d{{1,2}})?\s*tháng\s*(?P<month>\d{{1,2}})?\s*năm\s*(?P<year>\d{{4}})\s*\.?$",
    I,
)  # "Hương Xuân, ngày 23 tháng 9 năm 2021"; blanks allowed for day/month
BLANK_DATE = re.compile(rf"^{PLACE},?\s+ngày\s+[^.;!?]{{0,30}}năm\s*(?P<year>\d{{4}})\s*\.?$", I)  # "Long Anh, ngày …… tháng 01 năm 2024"

# --- document type (title line) ----------------------------------------------------
DRAFT = r"DỰ\s+THẢO"  # "DỰ THẢO BÁO CÁO": a draft of the type that follows
DOC_TYPE_LINE = re.compile(rf"^(?P<draft>{DRAFT}\s+)?(?P<type>{DOC_TYPE})\b(?P<rest>.*)$")  # "BÁO CÁO", "QUYẾT ĐỊNH", "DỰ THẢO BÁO CÁO"
TITLE_RULE = re.compile(r"^[-–—_=*~.\s]{3,}$")  # "-----" rule under a title
# the preamble after the title
BODY_OPENING = re.compile(r"^(?:Căn\s+cứ|Thực\s+hiện|Xét\s+đề\s+nghị|Theo\s+đề\s+nghị|Trên\s+cơ\s+sở|Để\s+|Nhằm\s+)", I)
ENACTING_LINE = re.compile(
    rf"^(?:{SIGN_PREFIX}\s*)?(?:(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG|GIÁM\s+ĐỐC|BÍ\s+THƯ)\s+)?"
    rf"(?:{STATE_BODY}|{NATIONAL_BODY}|{DANG}\s+{UY}|BAN\s+THƯỜNG\s+VỤ)\b[^a-zđ]*$"
)  # "ỦY BAN NHÂN DÂN TỈNH …", "CHỦ TỊCH UBND …": who enacts, above "Căn cứ"
DECIDES_LINE = re.compile(rf"^(?:{DOC_TYPE}|QUYẾT\s+NGHỊ)\s*:$")  # "QUYẾT ĐỊNH:", "QUYẾT NGHỊ:": the enacting formula
# "ngày 01 tháng 7 năm 2025": the date of a cited act, never a period
CITED_DATE = re.compile(r"\bngày\s+\d{1,2}(?:\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|[/.-]\d{1,2}[/.-]\d{4})", I)
PERIOD_HALF = re.compile(r"(?P<n>6|sáu|06|9|chín)\s+tháng\s+(?P<part>đầu|cuối)\s+năm(?:\s+(?P<year>\d{4}))?", I)  # "6 tháng đầu năm": half-year
PERIOD_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", I)  # "tháng 10 năm 2021": one month
PERIOD_TERM = re.compile(r"giữa\s+nhiệm\s+kỳ", I)  # mid-term
TERM_YEARS = re.compile(r"nhiệm\s+kỳ\s+(?P<a>\d{4})\s*[-–]\s*(?P<b>\d{4})", I)  # "nhiệm kỳ 2020-2025": the term
PERIOD_QUARTER = re.compile(r"quý\s+(?P<q>[IV]+|\d)(?:\s*/\s*|\s+năm\s+)(?P<y>\d{4})", I)  # "quý II năm 2023"
PERIOD_YEAR = re.compile(r"(?:năm|cả\s+năm)\s+(?P<y>\d{4})", I)  # "năm 2023": whole year
REGISTER_FIELD_LABELS = (  # field labels of a portal's document register (legal databases print several to a line)
    "Số hiệu", "Số ký hiệu", "Số kí hiệu",  # number
    "Loại văn bản",  # type
    "Nơi ban hành", "Cơ quan ban hành",  # issuing body
    "Người ký", "Người kí",  # signer
    "Ngày ban hành",  # date of issue
    "Ngày hiệu lực", "Ngày có hiệu lực", "Ngày hết hiệu lực", "Ngày công báo", "Số công báo",  # other dates
    "Tình trạng", "Lĩnh vực", "Trích yếu",  # status, field, abstract
)
# "Số hiệu: 155/KH-UBND Loại văn bản: …", two fields on a line
REGISTER_LABEL = re.compile(rf"(?:^|(?<=\s))(?P<label>{_alt(*REGISTER_FIELD_LABELS)})\s*:", I)
REGISTER_UNKNOWN = re.compile(r"^(?:Đang\s+cập\s+nhật|Không\s+có|Chưa\s+có|\.{2,}|-+)?$", I)  # "Đang cập nhật": the register does not know
MINISTRY_IN_NAME = re.compile(rf"(^|[-–] |trưởng )bộ\s+(?!{UNIT}\b|trưởng\b)(\w+)", I)  # a ministry's name opens with "Bộ": "Bộ Tài chính"
UNIT_IN_NAME = re.compile(rf"\b({UNIT})\s+(.+)$", I)  # "phường Hương Xuân" inside a body's name
CLOSING_TYPE = re.compile(rf"^Trên\s+đây\s+là\s+(?P<type>{DOC_TYPE_ANY_CASE})\b", I)  # "Trên đây là báo cáo …" names the type

# --- body numbering -----------------------------------------------------------------
PART_HEADING = re.compile(rf"^(?:PHẦN\s+{THU_ORD}\s+\S+?|PHẦN\s+[IVX]+|Phần\s+thứ\s+\S+?|Phần\s+[IVX]+)\b[.:]?\s*(?P<rest>.*)$", I)  # "PHẦN THỨ NHẤT"
CHAPTER_HEADING = re.compile(r"^(?:Chương|CHƯƠNG)\s+[IVXLC\d]+\b[.:]?\s*(?P<rest>.*)$")  # "Chương I"
ARTICLE_HEADING = re.compile(r"^Điều\s+\d+\s*[.:]\s*(?P<rest>.*)$")  # "Điều 1."
ROMAN_HEADING = re.compile(r"^(?P<num>[IVX]{1,5})\s*[.\-–/]\s*(?P<rest>\S.*)$")  # "I." "II-"
LETTER_HEADING = re.compile(r"^(?P<num>[A-H])\s*[.\-–]\s+(?P<rest>\S.*)$")  # "A." "B-"
ARABIC_HEADING = re.compile(r"^(?P<num>\d{1,2})\s*[.\-–]\s*(?P<rest>[^\d\s/].*)$")  # "1." "2-"
ARABIC2_HEADING = re.compile(r"^(?P<num>\d{1,2}\.\d{1,2})\.?\s+(?P<rest>\S.*)$")  # "1.1." "1.1 "
ARABIC3_HEADING = re.compile(r"^(?P<num>\d{1,2}\.\d{1,2}\.\d{1,2})\.?\s+(?P<rest>\S.*)$")  # "1.1.1."
ALPHA_ITEM = re.compile(r"^(?P<num>[a-zđ])\)\s+(?P<rest>\S.*)$")  # "a)" "b)"
UPPER_HEADING = re.compile(rf"^[{UPPER_VI}0-9 ,;:\-–—./()&\"“”]+$")  # a line in capitals: "ĐÁNH GIÁ CHUNG"
# the number in front of a heading
NUMBER_PREFIX = re.compile(r"^(?:PHẦN\s+\S+\s+\S+|Phần\s+\S+\s+\S+|[IVX]{1,5}|[A-H]|\d{1,2}(?:\.\d{1,2}){0,2}|[a-zđ])\s*[.\-–/)]?\s*", I)
LABEL_THEN_TEXT = re.compile(r":\s+\S+(?:\s+\S+){5,}")  # "4. Công tác …: Đã tổ chức …" — a label followed by a sentence
INNER_SENTENCE = re.compile(rf"[.;!?]\s+[{UPPER_VI}]")  # a full stop inside: two sentences, not a heading
STRUCTURAL_START = re.compile(
    rf"^(?:[-–+•*]\s|\d{{1,2}}(?:\.\d{{1,2}})*\s*[.\-–)]\s*\S|[IVX]{{1,5}}\s*[.\-–]|[a-zđ]\)\s|Nơi\s+nhận|{SIGN_PREFIX}|Chương\s+[IVXLC\d]|Điều\s+\d|\[\^)"
)  # a line that starts a new unit (list item, numbered heading, closing): never the rest of the previous line
NUMBERED_START = re.compile(r"^\s*(?:\d{1,2}(?:\.\d{1,2})*\s*[.\-–)]|[IVX]{1,5}\s*[.\-–]|[+\-]\s|PHẦN\s|Phần\s)")  # glued heading's start
LOWER_START = re.compile(rf"^[\"“(]?[{LOWER_VI}]")  # a line going on in lower case
CAPS_WORD_START = re.compile(rf"^([{UPPER_VI}]+)\b")  # a first word in capitals
CAPS_START = re.compile(rf"^[{UPPER_VI}]")  # a capital first letter

# --- lists ---------------------------------------------------------------------------
LIST_ITEM = re.compile(r"^(?P<marker>-\s*\+|[-–+•*●○▪■□➢✓>])\s+(?P<rest>\S.*)$")  # "- ", "+ ", "* ", "- + "
LIST_ITEM_TIGHT = re.compile(r"^(?P<marker>-)(?P<rest>[" + UPPER_VI + r"][" + LOWER_VI + r"].*)$")  # "-Thực hiện…" (no space)

# --- closing block -------------------------------------------------------------------
RECIPIENTS_LABEL = re.compile(r"^\**\s*Nơi\s+nhận\s*:?\s*\**\s*(?P<rest>.*)$", I)  # distribution list
ARCHIVE_COPY = re.compile(r"^[-–+]?\s*Lưu\s*:?\s*\S", I)  # "- Lưu VP." — last recipient: the file copy
RECIPIENT_HINT = re.compile(r"\((?:b/c|đ/b|t/h|để\s+b/c|để\s+t/h|thực\s+hiện)\)|^[-–+]?\s*Như\s+(?:trên|Điều)|^[-–+]?\s*Lưu\b", I)
SIGN_CAPACITY = re.compile(rf"^{SIGN_PREFIX}\s*\S.*$")  # "T/M ĐẢNG ỦY", "KT. CHỦ TỊCH", "TUQ. BỘ TRƯỞNG": signing on behalf of
# "T/M", "TM.": on behalf of a collective body (a "KT." line may follow in the same block)
ON_BEHALF = re.compile("^(?:" + "|".join(SIGN_PREFIX_TOKENS[:4]) + ")")
SIGN_CAPACITY_PREFIX = re.compile(rf"^{SIGN_PREFIX}\s*")  # the prefix alone, to read the body it names
SIGN_ROLE = re.compile(
    rf"^(?:PHÓ\s+)?(?:BÍ\s+THƯ(?:\s+THƯỜNG\s+TRỰC)?|CHỦ\s+TỊCH|TRƯỞNG\s+BAN|TRƯỞNG\s+PHÒNG|GIÁM\s+ĐỐC|CHÁNH\s+VĂN\s+PHÒNG|"
    rf"THƯỜNG\s+TRỰC|{UY}\s+VIÊN|TRƯỞNG\s+THÔN|CHỦ\s+NHIỆM|TỔ\s+TRƯỞNG|HIỆU\s+TRƯỞNG|TRƯỞNG\s+TRẠM|KẾ\s+TOÁN|"
    rf"THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG|THỨ\s+TRƯỞNG|VỤ\s+TRƯỞNG|CỤC\s+TRƯỞNG|TỔNG\s+CỤC\s+TRƯỞNG)\b[\w\s]*$"
)  # "BÍ THƯ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "CHỦ TỊCH", "PHÓ THỦ TƯỚNG", "THỨ TRƯỞNG"
PERSON_NAME = re.compile(rf"^(?:[{UPPER_VI}][{LOWER_VI}]+)(?:\s+[{UPPER_VI}][{LOWER_VI}]+){{1,4}}$")  # "Nguyễn Tiến Giang"
PERSON_NAME_CAPS = re.compile(rf"^[{UPPER_VI}]{{2,}}(?:\s+[{UPPER_VI}]{{1,}}){{1,4}}$")  # "NGUYỄN VĂN A"
_APPENDIX_WORDS = (  # words that open what follows a signature and still belongs to the document
    r"PHỤ\s+LỤC", r"Phụ\s+lục",  # appendix
    r"GHI\s+CHÚ", r"Ghi\s+chú",  # notes
    r"MẪU\s+SỐ", r"Mẫu\s+số", r"BIỂU\s+(?:MẪU|SỐ)", r"Biểu\s+(?:mẫu|số)",  # forms
    rf"DANH\s+(?:MỤC|SÁCH)\s+[{UPPER_VI}]",  # "DANH MỤC CÁC …" list in capitals (not a "Danh mục" menu)
)
APPENDIX_LINE = re.compile(
    rf"^(?:{'|'.join(_APPENDIX_WORDS)})\b|^\(?\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\b"
)  # what belongs to the document after its signature: appendix, notes, forms, "(Ban hành kèm theo …)"
# appendix, form, note, list: what follows a signature, never a signer
NOT_A_NAME = re.compile(rf"{APPENDIX_LINE.pattern}|^(?:Danh\s+mục|DANH\s+MỤC)\b")
# "- Lưu: VT. TM. CHÍNH PHỦ …": a signature glued after the last recipient
SIGNATURE_INSIDE = re.compile(rf"(?<=[.;])\s+(?=\**\s*{SIGN_PREFIX}\s*[{UPPER_VI}])")
# "TM. CHÍNH PHỦ KT. THỦ TƯỚNG …(Đã ký) …": where one signature line ends
SIGNATURE_PARTS = re.compile(rf"\s*(?={SIGN_PREFIX}\s*[{UPPER_VI}])|\s*(?=\(\s*(?:Đã|đã)\s+ký)|(?<=\))\s*")
# "… PHÓ THỦ TƯỚNG Hồ Đức Phớc": the name after the capitals
TRAILING_NAME = re.compile(rf"^(?P<head>.*?[{UPPER_VI})])\s+(?P<name>[{UPPER_VI}][{LOWER_VI}]+(?:\s+[{UPPER_VI}][{LOWER_VI}]+){{1,4}})$")
SIGNED_INSIDE = re.compile(r"\S\s*\(\s*(?:Đã|đã)\s+ký\s*\)")  # "PHÓ THỦ TƯỚNG(Đã ký)": the signed mark glued to the role
SIGNED_MARK = re.compile(r"^\(?\s*(?:Đã\s+ký|đã\s+ký|Ký\s+tên|ký,\s*ghi\s+rõ\s+họ\s+tên)\s*\)?\.?$")  # "(Đã ký)"
END_MARK = re.compile(r"\./\.\s*$")  # the legal end mark "./."

# --- footnotes (four shapes and more) -------------------------------------------------
FN_DOCX_REF = re.compile(r"\[footnoteRef:(?P<label>\d+)\]")  # pandoc-from-docx reference
FN_DOCX_DEF = re.compile(r"\[(?P<label>\d+):\s+(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]")  # "[1:  text]" inline definition
FN_CARET_REF = re.compile(r"\s?\^\((?P<label>[IVXivx\d]{1,5})\)")  # "^(I)" superscript in pandoc plain text
FN_CARET_DEF = re.compile(r"^\^\((?P<label>[IVXivx\d]{1,5})\)\s*(?P<text>\S.*)$")
FN_PAREN_SUP_REF = re.compile(r"⁽(?P<label>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾")  # "⁽²⁾"
FN_PAREN_SUP_DEF = re.compile(r"^⁽(?P<label>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾\s*(?P<text>\S.*)$")
FN_SUP_REF = re.compile(r"(?<=[\w.,;:)”\"])(?P<label>[¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*)")  # bare "²" after a word
FN_SUP_DEF = re.compile(r"^(?P<label>[¹²³⁴⁵⁶⁷⁸⁹][⁰¹²³⁴⁵⁶⁷⁸⁹]*)\s*(?P<text>\S.*)$")
FN_BRACKET_REF = re.compile(r"\(?\[(?P<label>\d{1,3})\]\)?")  # "[1]" or "([1])"
FN_BRACKET_DEF = re.compile(r"^\(?\[(?P<label>\d{1,3})\]\)?\s*(?P<text>\S.*)$")  # "[1]text" after the signature
FN_MD_REF = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")  # Markdown "[^1]"
FN_MD_DEF = re.compile(r"^\[\^(?P<label>[^\]\s]+)\]:\s*(?P<text>.*)$")
SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")

# --- inline markup ---------------------------------------------------------------------
STAR_RUN = re.compile(r"\*+")  # emphasis stars
GLUE_AFTER_TYPE = re.compile(rf"^(?P<type>{DOC_TYPE})\s*\*{{2,}}\s*(?P<rest>\S.*)$")  # "BÁO CÁO**Kết quả…": type glued to its subject
GLUED_STARS = re.compile(r"(?<=\S)\*{4,}(?=\S)")  # "…NĐ-CP****ngày …": two bold runs glued, a word gap lost
BOLD_GAP = re.compile(r"\*\*\s+\*\*")  # "**…HIỆU LỰC** **CHÍNH PHỦ**": two bold runs on one line
# "TUẦN Kết quả …": a type qualifier before the subject
LEADING_CAPS_WORDS = re.compile(rf"^((?:[{UPPER_VI}]{{2,}}\s+)+)(?=[{UPPER_VI}][{LOWER_VI}])")
# "…****I. …": headings glued
INNER_GLUE = re.compile(r"(?<=\S)\*{3,}(?=\S)|(?<=\S)\*{2,}(?=\s*(?:\d{1,2}(?:\.\d{1,2})*\s*[.\-–)]|[IVX]{1,5}\s*[.\-–]|[+]\s))")

# --- page-break debris ---------------------------------------------------------------
PAGE_NUMBER = re.compile(r"^(?:[-–—]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?$", I)  # "2", "- 3 -", "Trang 4"
NUMBERED_LINE = re.compile(r"^[\dIVX]+[.\-]")  # a numbered line is never a running header

# --- web chrome: one table per kind ----------------------------------------------------
# Top of page: counters, skip links, banners, search/menu labels, identity and date lines.
CHROME_COUNTER_LABEL = re.compile(
    r"^(?:Truy\s+cập|Lượt\s+truy\s+cập|Thống\s+kê\s+truy\s+cập|Đang\s+(?:truy\s+cập|online|trực\s+tuyến)|Online|"
    r"Hôm\s+nay|Hôm\s+qua|Tuần\s+này|Tuần\s+trước|Tháng\s+này|Tháng\s+trước|Năm\s+nay|Tất\s+cả|Tổng(?:\s+(?:số|lượt))?(?:\s+truy\s+cập)?|"
    r"Khách|Thành\s+viên|Máy\s+chủ\s+tìm\s+kiếm)\s*:?\s*[\d.,]*$",
    I,
)  # visitor counter block
CHROME_NUMBER_ONLY = re.compile(r"^[\d.,\s]+$")  # a counter value on its own line
CHROME_SKIP_LINK = re.compile(
    r"^(?:Truy\s+cập\s+nội\s+dung\s+luôn|Bỏ\s+qua\s+(?:nội\s+dung|điều\s+hướng)|Skip\s+to\s+(?:main\s+)?content|Chuyển\s+đến\s+nội\s+dung)", I
)
CHROME_IMAGE_ALT = re.compile(
    r"^(?:Site\s+banner|image\s+banner|image\s+advertisement|banner|logo|Chung\s+nhan\s+Tin\s+Nhiem\s+Mang|ảnh\s+minh\s+họa|Hình\s+ảnh|"
    r"Ảnh|Image|icon)\b.{0,40}$|^/?(?:UploadFiles|uploads?|images?|Portals|media)/\S+\.(?:png|jpe?g|gif|svg|webp)$|^\S+\.(?:png|jpe?g|gif|svg|webp)$",
    I,
)  # alt texts and bare image paths
CHROME_MENU_LABEL = re.compile(
    r"^(?:Tìm\s+kiếm(?:\s+(?:tin\s+tức|thông\s+tin|nâng\s+cao|văn\s+bản))?|Đơn\s+vị\s+hỗ\s+trợ|CHUYÊN\s+MỤC|Danh\s+mục|Menu|Trang\s+chủ|Giới\s+thiệu|"
    r"Liên\s+hệ|Sơ\s+đồ\s+(?:trang|site)|Đăng\s+nhập|Đăng\s+ký|Đường\s+dây\s+nóng|Tiếp\s+công\s+dân|Hỏi\s+đáp|Góp\s+ý|Thư\s+viện\s+ảnh|"
    r"Video|Liên\s+kết\s+website|Văn\s+bản\s+mới|Tin\s+tức\s*-\s*Sự\s+kiện|Tin\s+tức|Thông\s+báo|Sự\s+kiện|English|Tiếng\s+Việt|Xem\s+thêm|"
    r"Chia\s+sẻ|Share|Facebook|Twitter|Zalo|In\s+trang|Gửi\s+email|Cỡ\s+chữ|Bản\s+in|RSS|Hệ\s+thống\s+chính\s+trị)\s*:?\s*$",
    I,
)  # menu and search labels
CHROME_SITE_IDENTITY = re.compile(
    rf"^(?:CỔNG\s+THÔNG\s+TIN\s+ĐIỆN\s+TỬ|TRANG\s+THÔNG\s+TIN\s+ĐIỆN\s+TỬ|Cổng\s+thông\s+tin\s+điện\s+tử|Trang\s+thông\s+tin\s+điện\s+tử)\b.*$|"
    rf"^(?:UBND|{UY}\s+ban\s+nhân\s+dân)\s+(?:Xã|Phường|Thị\s+trấn)\s+[^,]+(?:[,/–-]\s*(?:Huyện|Thị\s+xã|Thành\s+phố|Quận|Tỉnh)\s+[^,]+){{1,2}}$",
    I,
)  # "UBND Xã … / Huyện … / Tỉnh …" site identity (never the document's own header, which is in capitals)
CHROME_SECTION_LABEL = re.compile(
    r"^(?:công\s+tác\s+đảng|khối\s+(?:phường|xã|đảng|đoàn\s+thể)|tin\s+(?:địa\s+phương|hoạt\s+động)|hoạt\s+động\s+(?:của\s+)?(?:đảng\s+ủy|ubnd|chính\s+quyền)|"
    r"văn\s+bản\s+(?:chỉ\s+đạo\s+)?điều\s+hành|văn\s+bản\s+(?:đảng|chính\s+quyền)|báo\s+cáo|nghị\s+quyết|xây\s+dựng\s+đảng|chính\s+quyền|"
    r"thông\s+tin\s+tuyên\s+truyền|tin\s+tức\s+sự\s+kiện)$"
)  # breadcrumb / section labels (lower-case menu entries)
CHROME_BREADCRUMB = re.compile(r"^(?:Trang\s+chủ|Home)\s*(?:[>»/›|]\s*\S.*)$", I)  # "Trang chủ > Tin tức > …"
DATE_TOKEN = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"
TIME_TOKEN = r"\d{1,2}:\d{2}(?::\d{2})?"
CHROME_POST_DATE = re.compile(
    rf"^(?:(?:Ngày\s+(?:đăng|cập\s+nhật|đưa\s+tin|xuất\s+bản)|Đăng\s+(?:lúc|ngày|vào)|Cập\s+nhật(?:\s+lúc)?|Thời\s+gian\s+đăng|Ngày|Posted(?:\s+on)?)\s*:?\s*)?"
    rf"(?:(?:Thứ\s+\S+|Chủ\s+nhật|CN)\s*[-,]\s*)?(?:{DATE_TOKEN}(?:\s*[-|,]?\s*{TIME_TOKEN})?(?:\s*(?:AM|PM|SA|CH))?|{TIME_TOKEN}\s*[-|,]?\s*{DATE_TOKEN})"
    rf"(?:\s*\(GMT\s*[+-]\s*\d+\))?(?:\s*[|\-]?\s*(?:Lượt\s+xem|Lượt\s+đọc|Số\s+lượt\s+xem|Xem)\s*:?\s*\d+|\s+\d{{1,7}}(?:\s+\d{{1,5}})?)?\s*$",
    I,
)  # "Ngày 13/08/2023 22:14:53", "Đăng lúc: … (GMT+7)", "03/08/2023 09:58    56"
# "Lượt xem: 29"
CHROME_VIEW_COUNT = re.compile(r"^(?:Lượt\s+xem|Lượt\s+đọc|Số\s+lượt\s+xem|Lượt\s+truy\s+cập|Đã\s+xem)\s*:?\s*[\d.,]+\s*(?:lần)?$", I)
CHROME_AUTHOR = re.compile(
    r"^(?:Tác\s+giả|Người\s+viết|Người\s+đăng|Biên\s+tập(?:\s+viên)?|Nguồn(?:\s+tin)?|Tin\s*,?\s*ảnh|Tin\s+và\s+ảnh|Theo|Author|Source)"
    r"\s*:\s*.{0,80}$",
    I,
)  # "Tác giả: …"
# "… xin trân trọng giới thiệu toàn văn …"
CHROME_EDITORIAL_LEAD = re.compile(r"(?:xin\s+)?trân\s+trọng\s+giới\s+thiệu\s+(?:toàn\s+văn|nội\s+dung)", I)
# Bottom of page: related news, comments, captcha, print/share, TTHC and contact footers.
CHROME_RELATED = re.compile(
    r"^(?:Tin\s+khác|Các\s+tin\s+khác|Tin\s+mới(?:\s+hơn|\s+nhất)?|Tin\s+cũ\s+hơn|Tin\s+liên\s+quan|Bài\s+viết\s+(?:khác|liên\s+quan)|"
    r"Các\s+bài\s+(?:khác|viết\s+khác)|Xem\s+tin\s+theo\s+ngày|Tin\s+đọc\s+nhiều|Văn\s+bản\s+khác|Tin\s+cùng\s+chuyên\s+mục)\s*:?\s*$",
    I,
)  # related-news list
CHROME_COMMENTS = re.compile(
    r"^(?:\d+\s+bình\s+luận|Bình\s+luận|Ý\s+kiến\s+(?:bạn\s+đọc|của\s+bạn)|Gửi\s+(?:bình\s+luận|ý\s+kiến)|Viết\s+bình\s+luận|"
    r"Họ\s+(?:và\s+)?tên\s*:?|Mã\s+(?:xác\s+nhận|bảo\s+mật|an\s+toàn)\s*:?|"
    r"\(?Bấm\s+vào\s+đây\s+để\s+nhận\s+mã\)?|Nhập\s+mã.*|Gửi|Làm\s+lại|Nội\s+dung\s*:?)\s*$",
    I,
)  # comment box and captcha
CHROME_PRINT_SHARE = re.compile(
    r"^(?:In\s+bài\s+viết|In\s+bài|Gửi\s+bài\s+viết|Lưu\s+bài\s+viết|Chia\s+sẻ(?:\s+bài\s+viết)?|Quay\s+lại|Về\s+đầu\s+trang|Đầu\s+trang|"
    r"Lên\s+đầu\s+trang|Print|Back|Top)\s*:?\s*$",
    I,
)  # print/share/back
CHROME_TTHC = re.compile(
    r"^(?:Công\s+khai\s+thủ\s+tục\s+hành\s+chính|Địa\s+chỉ\s+tiếp\s+nhận\s+phản\s+ánh.*|Thủ\s+tục\s+hành\s+chính|Dịch\s+vụ\s+công(?:\s+trực\s+tuyến)?|"
    r"Tra\s+cứu\s+hồ\s+sơ)\s*$",
    I,
)  # TTHC footer
CHROME_CONTACT = re.compile(
    r"^(?:Địa\s+chỉ|Điện\s+thoại|ĐT|SĐT|Tel|Fax|Hotline|E-?mail|Website|Chịu\s+trách\s+nhiệm(?:\s+chính|\s+nội\s+dung)?|Cơ\s+quan\s+chủ\s+quản|"
    r"Giấy\s+phép|Bản\s+quyền|Copyright|©|Thiết\s+kế\s+bởi|Phát\s+triển\s+bởi|Ghi\s+rõ\s+nguồn)\b.{0,200}$",
    I,
)  # contact footer
_REGISTER_BOX_WORDS = ("Nội dung", "Tệp đính kèm", "File đính kèm", "Tải về")  # the register box's other rows
CHROME_REGISTER_FIELD = re.compile(
    rf"^(?P<field>{_alt(*REGISTER_FIELD_LABELS)}|{_alt(*_REGISTER_BOX_WORDS)}(?=\s*:|\s*$))\s*:?\s*(?P<value>.*)$", I
)  # NukeViet document register, one field a line ("Người ký Trần Văn B" from a table row); "Nội dung." is a sentence

# --- page furniture and document bounds ---------------------------------------------------
# Evidence for locating the document on a page (converters/locate.py). Each pattern is *searched* inside a
# line or a column segment, because portals flatten the header's two columns onto shared lines (tabs, `|`).
TABLE_MARK = "\u2063TABLE {}\u2063"  # where html_extract set a data table aside (invisible separators around its index)
TABLE_PLACEHOLDER = re.compile("\u2063TABLE (?P<n>\\d+)\u2063")  # that mark, read back (fullmatch a block's text)
CELL_BAR = re.compile(r"\s*\|\s*")  # "ỦY BAN NHÂN DÂN | CỘNG HÒA … |": a flattened table-cell boundary
MD_LINK = re.compile(r"\[(?P<text>[^\]]*)\]\([^)]*\)")  # "[Trang chủ](/)" left by the HTML stage: link text
MD_EMPHASIS = re.compile(r"[*_]{1,4}")  # "**CHÍNH PHỦ**": emphasis marks, ignored when reading evidence
# either motto, anywhere in a line
MOTTO_IN_LINE = re.compile(rf"{MOTTO_STATE_HEAD}(?:\s+CHỦ\s+NGHĨA(?:\s+VIỆT\s+NAM)?)?|{MOTTO_STATE_2}|{MOTTO_PARTY}|^CỘNG$", I)
_ISSUER_BODY = _alt(  # issuing bodies that open a header's left column
    STATE_BODY,  # people's committee or council
    f"{DANG} {UY}", f"{DANG} BỘ", "CHI BỘ", "BAN THƯỜNG VỤ", "BAN CHẤP HÀNH",  # Party committees and cells
    f"HUYỆN {UY}", f"THỊ {UY}", f"TỈNH {UY}", f"THÀNH {UY}",  # Party committees of a district, town, province, city
    "BAN CHỈ ĐẠO", "BCĐ",  # steering committee
    f"{UY} BAN MẶT TRẬN", "MẶT TRẬN TỔ QUỐC",  # the Fatherland Front
    "CHÍNH PHỦ", "QUỐC HỘI", f"BỘ [{UPPER_VI}]", f"SỞ [{UPPER_VI}]", f"PHÒNG [{UPPER_VI}]", "VĂN PHÒNG",  # state bodies
)
_ORGANISATION_WORDS = (  # words that name an organisation or an administrative unit, in capitals
    "XÃ", "PHƯỜNG", "THỊ TRẤN", "HUYỆN", "QUẬN", "TỈNH", "THÀNH PHỐ", "THỊ XÃ", "THÔN", "KHU PHỐ", "TRƯỜNG", "BAN", "HỘI",
    "CÔNG TY", "PHÒNG", "SỞ", "BỘ", "CỤC", "VIỆN", "TÒA", "ỦY", "UỶ", "ĐẢNG", "ĐOÀN", "TRUNG TÂM", "BỆNH VIỆN", "TRẠM",
    "HỢP TÁC XÃ", "BCĐ", "BCH", "CHÍNH PHỦ", "QUỐC HỘI", "MẶT TRẬN", "CÔNG AN", "QUÂN SỰ", "VĂN PHÒNG",
)
ORGANISATION_LINE = re.compile(rf"(?:^|\s){_alt(*_ORGANISATION_WORDS)}(?:\s|$)")  # "TRƯỜNG MẦM NON …"
ISSUER_IN_LINE = re.compile(rf"^{_ISSUER_BODY}\b")  # in capitals only (case-sensitive): a sentence naming "Ủy ban nhân dân" is not a header
NUMBER_IN_LINE = re.compile(
    r"(?:^|\s)Số\s*[:.]?\s*(?:\d+[\w.]*\s*[-/]\s*[\w.\-/]*[A-ZĐ]|\s*[-/]\s*[A-ZĐ][\w\-/]*|\d+\s*/\s*\d{4}|$)"
)  # "Số: 74/BC-UBND", "Số 31-NQ/ĐU", "Số:      /BC-UBND", "Số:" with the value on the next line
PLACE_DATE_IN_LINE = re.compile(
    rf"(?:^|\s)[{UPPER_VI}][^\W\d_]*(?:\s+[{UPPER_VI}][^\W\d_]*){{0,4}}\s*,\s*ngày\s*(?:\d{{1,2}}|\.+|…)?\s*(?:tháng|$)"
)  # "Hương Xuân, ngày 23 tháng 9 năm 2021", "Kon Tum, ngày 25" (month on the next line), blank day
_TITLE_WORDS = (*DOC_TYPES, "LUẬT", "PHÁP LỆNH", "LỆNH", "CÔNG ĐIỆN", "GIẤY MỜI", "PHƯƠNG ÁN", "DỰ THẢO")  # a title line's type words, in capitals
TYPE_TITLE_LINE = re.compile(
    rf"^(?:{DRAFT}\s+)?{_alt(*_TITLE_WORDS)}"
    rf"(?:\s+[{UPPER_VI}0-9][{UPPER_VI}0-9,\-–]*){{0,3}}\s*:?$"
)  # "BÁO CÁO", "BÁO CÁO TUẦN", "DỰ THẢO BÁO CÁO", "QUYẾT ĐỊNH:" — the type line standing alone
BASIS_LINE = re.compile(r"^(?:Căn\s+cứ|Xét\s+đề\s+nghị|Theo\s+đề\s+nghị|Thực\s+hiện)\b.{10,}", I)  # "Căn cứ …;": the legal basis clauses
SIGN_CAPACITY_IN_LINE = re.compile(rf"(?:^|\s){SIGN_PREFIX}\s*[{UPPER_VI}]")  # "T/M ĐẢNG ỦY" after a recipient
WELCOME_BANNER = re.compile(r"^(?:Chào\s+mừng\s+(?:bạn|quý\s+vị)|Welcome\s+to)\b.{0,160}$", I)  # "Chào mừng bạn đến với Trang thông tin …"
PART_NAMED = re.compile(rf"^PHẦN\s+[{UPPER_VI}]+(?:\s+[{UPPER_VI}]+){{0,4}}\s*:?$")  # "PHẦN MỞ ĐẦU", "PHẦN KẾT LUẬN": a named part, in capitals
BROWSER_TITLE = re.compile(r"^[^.!?:;|]{3,80}(?:\s[-–|]\s[^.!?:;\-–|]{2,40}){2,}$")  # "Chi tiết bài viết - Xã … - Huyện …": page title + site name
PERCENT_ONLY = re.compile(r"^\d{1,3}\s*%$")  # "100%": a zoom control
# "Cỡ chữ: A A A", "Xem với cỡ chữ"
FONT_SIZE_BAR = re.compile(r"^(?:Xem\s+với\s+)?(?:Cỡ\s+chữ|Kích\s+(?:thước|cỡ)\s+chữ|Font\s*size)\b[\s:]*(?:[AaＡ+\-–]\s*){0,6}$", I)
# "Bạn đang ở: Trang chủ » Tin tức » …"
BREADCRUMB_TRAIL = re.compile(r"^(?:[^»>›.!?%\d]{1,40}:\s*)?(?:[^»>›.!?%\d]{1,40}\s*[»>›]\s*){2,}[^»>›.!?%\d]{1,80}$")
POST_DATE_BYLINE = re.compile(
    rf"^(?:Đăng|Ngày\s+đăng|Cập\s+nhật|Gửi\s+lúc|Posted)\b[^.!?]{{0,20}}?{DATE_TOKEN}(?:\s*[-|,]?\s*{TIME_TOKEN})?"
    r"\s+(?:bởi|by|-|\|)\s+[^.!?]{1,60}$",
    I,
)  # "Đăng ngày 12/09/2022 bởi admin": a post date with its poster
WEEKDAY_DATE = re.compile(
    rf"^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Thứ\s+\S+|Chủ\s+nhật)\s*[,\-–]?\s*{DATE_TOKEN}(?:\s*[-|,]?\s*{TIME_TOKEN})?$", I
)  # "Thursday, 18/07/2024": the page's date in the site's own language
LOADING = re.compile(r"^(?:loading|đang\s+tải|please\s+wait|vui\s+lòng\s+chờ)\s*(?:\.{2,}|…)?$", I)  # "loading...": a script's placeholder
ATTACHMENT = re.compile(
    r"^(?:Đính\s+kèm|Tệp\s+đính\s+kèm|File\s+đính\s+kèm|Văn\s+bản\s+đính\s+kèm|Tải\s+(?:về|file|xuống)|Download)\s*:?\s*(?:\S+\.(?:docx?|pdf|xlsx?|zip|rar))?$"
    r"|^\S+\.(?:docx?|pdf|xlsx?|zip|rar)$",
    I,
)  # "Đính kèm", "bao-cao.pdf": the attachment box
