"""A printable sheet of voter codes, one card each with a QR code that opens the ballot with the code filled in."""

import html
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg

from portfolio_engine.voting.votes import Vote


def sheet_html(vote: Vote, codes: list[str], base_url: str) -> str:
    """Self-contained HTML (inline SVG QR codes), cut along the dotted lines."""
    cards = []
    for voter_code in codes:
        link = f"{base_url.rstrip('/')}/vote?{urlencode({'vote': vote.id, 'code': voter_code})}"
        image = io.BytesIO()
        qrcode.make(link, image_factory=qrcode.image.svg.SvgPathImage, box_size=6).save(image)
        svg = image.getvalue().decode().split("?>", 1)[-1]
        cards.append(f"<div class='card'><div class='qr'>{svg}</div><p>Your one-time voter code</p><p class='code'>{voter_code}</p>"
                     f"<p class='small'>{html.escape(vote.title)} · vote {vote.id}</p></div>")
    return ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Voter codes</title><style>"
            "body{font-family:system-ui,sans-serif;margin:1cm}.card{display:inline-block;width:8cm;margin:.2cm;padding:.4cm;"
            "border:1px dashed #888;text-align:center;page-break-inside:avoid}.qr svg{width:4cm;height:4cm}"
            ".code{font:bold 1.4rem monospace;letter-spacing:.15rem}.small{color:#555;font-size:.8rem}</style></head><body>"
            + "".join(cards) + "</body></html>")
