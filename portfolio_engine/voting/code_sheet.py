"""A printable sheet of voter codes, one card each with a QR code that opens the ballot with the code filled in,
in the language the cards are printed in (the link carries it, so the ballot opens in the same language)."""

import html
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg

from portfolio_engine.i18n import DEFAULT, gettext
from portfolio_engine.voting.votes import Vote


def sheet_html(vote: Vote, codes: list[str], base_url: str, language: str = DEFAULT) -> str:
    """Self-contained HTML (inline SVG QR codes), cut along the dotted lines, with how to vote on every card."""
    def _(text: str) -> str:
        return html.escape(gettext(text, language))

    label, how, word, title = (_("Your one-time voter code"), _("Scan the code with your phone camera, or open the Vote page and type the code."),
                               _("vote"), _("Voter codes"))
    params = {"lang": language} if language != DEFAULT else {}
    cards = []
    for voter_code in codes:
        link = f"{base_url.rstrip('/')}/vote?{urlencode({'vote': vote.id, 'code': voter_code, **params})}"
        image = io.BytesIO()
        qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=6).save(image)
        svg = image.getvalue().decode().split("?>", 1)[-1]
        cards.append(f"<div class='card'><div class='qr'>{svg}</div><p>{label}</p><p class='code'>{voter_code}</p>"
                     f"<p class='small'>{how}</p>"
                     f"<p class='small'>{html.escape(vote.title)} · {word} {vote.id}</p></div>")
    return (f"<!doctype html><html lang='{html.escape(language)}'><head><meta charset='utf-8'><title>{title}</title><style>"
            "body{font-family:system-ui,sans-serif;margin:1cm}.card{display:inline-block;width:8cm;margin:.2cm;padding:.4cm;"
            "border:1px dashed #888;text-align:center;page-break-inside:avoid}.qr svg{width:4cm;height:4cm}"
            ".code{font:bold 1.4rem monospace;letter-spacing:.15rem}.small{color:#444;font-size:.8rem}</style></head><body>"
            + "".join(cards) + "</body></html>")
