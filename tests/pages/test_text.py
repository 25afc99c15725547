from ui.text import plain


def test_markdown_and_html_are_escaped():
    assert plain("**bold** <b>x</b> [link](http://e.x)") == r"\*\*bold\*\* \<b\>x\</b\> \[link\]\(http\:"r"//e\.x\)"
    assert plain("Plain words") == "Plain words"
