"""Reviewing listing copy: written offline, counted against each platform's limits, approved."""

from __future__ import annotations

from core.content.drafts import list_drafts
from core.products.service import create_product, product_input


def _product(window) -> int:
    product = create_product(window.app.db, product_input(
        {"title": "Handmade brass diya", "price": "499", "category": "Home decor",
         "attributes": "material=brass;colour=gold", "quantity": "5"}))
    window.products.model.refresh()
    return product.id


def _write_all(qtbot, window, product_id: int) -> None:
    window.products.select(product_id)
    window.tabs.setCurrentWidget(window.content)
    content = window.content
    qtbot.waitUntil(lambda: "No Gemini key" in content.writer_note.text())  # the keychain is asked in the background
    assert content.offline.isChecked() and not content.offline.isEnabled()  # no Gemini key: offline it is
    content.write_copy(None)
    qtbot.waitUntil(lambda: len(list_drafts(window.app.db, product_id)) == 8, timeout=20_000)
    qtbot.waitUntil(lambda: content.generate.isEnabled(), timeout=5000)


def test_copy_for_every_platform_offline_then_approve(qtbot, window) -> None:
    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    content = window.content
    assert "offline writer" in content.writer_note.text()
    for name, editor in content.editors.items():
        assert editor.source.text() == "Written offline", name
        assert editor.approve.isEnabled(), f"{name}: {editor.problems.text()}"
    etsy = content.editors["etsy"]
    assert "Handmade brass diya" in etsy.title.text()
    etsy.approve.click()
    assert list_drafts(window.app.db, product_id)["etsy"].status == "approved"
    assert content.platforms.tabText(list(content.editors).index("etsy")).startswith("✓")


def test_over_limit_turns_counter_red_and_refuses_approval(qtbot, window) -> None:
    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    pinterest = window.content.editors["pinterest"]
    counter = pinterest._counters["title"][0]
    assert counter.property("over") is False
    pinterest.title.setText("Brass " * 30)  # Pinterest titles stop at 100 characters
    assert counter.property("over") is True
    assert counter.text() == "179 / 100 characters"  # counted as it will be posted (trimmed)
    assert not pinterest.approve.isEnabled()
    assert "100" in pinterest.problems.text()

    pinterest.flush()
    window.content._set_status("pinterest", "approved")  # as if approval were forced: core refuses it too
    draft = list_drafts(window.app.db, product_id)["pinterest"]
    assert draft.status == "draft" and draft.edited_by_seller
    assert "cannot be approved" in pinterest.problems.text()

    pinterest.title.setText("Handmade brass diya for Diwali")
    pinterest.flush()
    assert pinterest.approve.isEnabled()
    pinterest.approve.click()
    assert list_drafts(window.app.db, product_id)["pinterest"].status == "approved"


def test_rewrite_keeps_seller_edits_unless_asked(qtbot, window) -> None:
    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    etsy = window.content.editors["etsy"]
    etsy.title.setText("My own Etsy title")
    etsy.flush()
    window.content.write_copy(None)
    qtbot.waitUntil(lambda: window.content.generate.isEnabled(), timeout=20_000)
    assert list_drafts(window.app.db, product_id)["etsy"].title == "My own Etsy title"
    assert "Kept your own or approved copy for etsy" in window.content.writer_note.text()
    etsy.regenerate.click()  # rewriting one platform explicitly replaces it
    qtbot.waitUntil(lambda: list_drafts(window.app.db, product_id)["etsy"].title != "My own Etsy title",
                    timeout=20_000)
    qtbot.waitUntil(lambda: window.content.generate.isEnabled(), timeout=5000)


def test_product_text_is_shown_never_run_as_markup(qtbot, window) -> None:
    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    facebook = window.content.editors["facebook"]
    facebook.description.setPlainText('<img src="x" onerror="alert(1)"><b>bold</b>')
    html = facebook.preview.toHtml()
    assert "&lt;img" in html and "<b>bold</b>" not in html


def test_an_unbacked_claim_is_flagged_while_editing(qtbot, window) -> None:
    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    etsy = window.content.editors["etsy"]
    assert "claim" not in etsy.problems.text()  # "handmade" is in the product's own title
    etsy.title.setText("Organic brass diya, waterproof")
    assert "Etsy title says 'organic'" in etsy.problems.text()
    assert "Etsy title says 'waterproof'" in etsy.problems.text() and not etsy.problems.isHidden()
    etsy.title.setText("Handmade brass diya")
    assert "claim" not in etsy.problems.text()


def test_reject_back_to_draft_and_rewrite_keep_approvals_visible(qtbot, window) -> None:
    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    content = window.content
    etsy, meesho = content.editors["etsy"], content.editors["meesho"]
    assert etsy.unapprove.isHidden()
    etsy.approve.click()
    assert not etsy.unapprove.isHidden()
    etsy.unapprove.click()
    assert list_drafts(window.app.db, product_id)["etsy"].status == "draft" and etsy.unapprove.isHidden()
    meesho.reject.click()
    assert list_drafts(window.app.db, product_id)["meesho"].status == "rejected"
    assert content.platforms.tabText(list(content.editors).index("meesho")).startswith("✕")
    etsy.approve.click()
    content.generate.click()  # rewriting everything keeps the approved copy
    qtbot.waitUntil(lambda: content.generate.isEnabled(), timeout=20_000)
    assert list_drafts(window.app.db, product_id)["etsy"].status == "approved"
    assert "Kept your own or approved copy for etsy" in content.writer_note.text()
    etsy.regenerate.click()  # rewriting it explicitly withdraws the approval, and says so
    qtbot.waitUntil(lambda: "Approval withdrawn for etsy" in content.writer_note.text(), timeout=20_000)
    assert list_drafts(window.app.db, product_id)["etsy"].status == "draft"


def test_shopify_search_fields_and_a_stale_approval(qtbot, window) -> None:
    from core.products.service import update_product

    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    content = window.content
    shopify, etsy = content.editors["shopify"], content.editors["etsy"]
    assert shopify.seo_title.text().startswith("Handmade brass diya") and shopify.seo_description.toPlainText()
    assert etsy.seo_title.isHidden()
    etsy.approve.click()
    update_product(window.app.db, product_id, {"price": "549"})
    content.show_product(product_id)
    assert etsy.status.text().startswith("Approved — but the product changed")
    etsy.approve.click()  # checked again
    assert etsy.status.text() == "Approved"


def test_the_claim_list_in_the_window(qtbot, window) -> None:
    from PySide6.QtCore import Qt

    from core.content.claims import claim_table

    product_id = _product(window)
    _write_all(qtbot, window, product_id)
    dialog = window.content.open_claims()
    items = {dialog.claims.item(i).data(Qt.ItemDataRole.UserRole): dialog.claims.item(i)
             for i in range(dialog.claims.count())}
    items["waterproof"].setCheckState(Qt.CheckState.Unchecked)  # the seller does not want this one checked
    dialog.new.setText("vegan: vegan, plant based")
    dialog.add.click()
    table = {claim.id: on for claim, on in claim_table(window.app.data_dir)}
    assert table["waterproof"] is False and table["vegan"] is True
    dialog.new.setText("no phrases here")
    dialog.add.click()
    assert "needs a name and at least one phrase" in dialog.note.text() and dialog.new.text() == "no phrases here"
    dialog.accept()
    etsy = window.content.editors["etsy"]
    etsy.title.setText("Vegan brass diya, waterproof")
    assert "says 'vegan'" in etsy.problems.text() and "waterproof" not in etsy.problems.text()
