"""Every control of the window works when clicked: each tab's buttons, each dialog they open, every menu command,
on a data dir with products, photos, copy, posts and sales. Any exception, crash report, unexpected error message,
failed background task or Qt warning fails the test."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from tests.desktop.clicks import Clicker


def _open_tab(qtbot, window, tab) -> None:
    bar = window.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(window.tabs.indexOf(tab)).center())
    assert window.tabs.currentWidget() is tab


def test_every_button_dialog_and_menu_command_works(qtbot, shop_window, monkeypatch, tmp_path: Path,
                                                    photos: list[Path]) -> None:
    window, shop = shop_window, shop_window.shop
    saved = tmp_path / "saved"
    saved.mkdir()
    clicker = Clicker(qtbot, window, monkeypatch, save_dir=saved, photos=photos)
    products = window.products

    def a_product_selected() -> None:
        if not products.selected_ids() and products.model.rowCount():
            products.select(products.model.product_id(0))

    def a_failed_post_selected() -> None:
        if window.schedule.status.selected_id() is None:
            window.schedule.status.select(shop.failed_job)

    try:
        for tab, prepare in ((products, a_product_selected), (window.content, a_product_selected),
                             (window.platforms, None), (window.schedule, a_failed_post_selected),
                             (window.analytics, None)):
            if prepare is not None:
                prepare()
            _open_tab(qtbot, window, tab)
            clicker.settle()
            clicker.explore(tab, window.tabs.tabText(window.tabs.indexOf(tab)), prepare=prepare)
        clicker.explore(window.statusBar(), "Status bar")
        quit_action = None
        for where, action in clicker.menu_actions():
            if action.text() == "&Quit":
                quit_action = action
            elif action.isEnabled():
                a_product_selected()
                clicker.trigger(action, where)
        assert quit_action is not None
        clicker.trigger(quit_action, "File")
        assert not window.isVisible(), "File › Quit left the window open"
    finally:
        clicker.close()

    assert not clicker.failures, "\n".join(clicker.failures)
    assert not (window.app.data_dir / "crash-reports").exists()
    # The wizard's Confirm ran the scheduling (which says what it skipped: the harness rejected every copy).
    assert any(m.startswith("Scheduled ") for m in clicker.said), clicker.said
    assert {p.name for p in saved.iterdir()} >= {"products.csv", "sellerdesk-export.zip", "revenue-over-time.png",
                                                "top-products.csv"}
    pressed = "\n".join(clicker.clicked)
    for expected in ["Schedule: New post…", "Products: Schedule… → PostWizard: Next", "Content: Schedule…",
                     "Content: Schedule… → PostWizard: Confirm",
                     "Content: Write copy for all platforms",
                     "Analytics: Record a sale…", "Record a sale… → RecordSaleDialog", "Products: Add photos…",
                     "Schedule: Retry", "Help: About SellerDesk", "Help: Audit log…", "Account: Sign in…",
                     "Platforms: Connect"]:
        assert expected in pressed, f"{expected!r} was never pressed; pressed:\n{pressed}"


def test_no_button_or_menu_command_feeds_its_checked_flag_to_a_slot_with_parameters() -> None:
    """clicked(bool) and triggered(bool) fill a slot's first parameter: a slot whose first parameter is not that flag
    (or an item view's clicked(QModelIndex)) must be connected through a lambda. Read from the source, so buttons
    the harness cannot reach (hidden in some state) count too."""
    import ast

    root = Path(__file__).resolve().parents[2] / "desktop"
    wrong = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        takes = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
                 and len(node.args.args) > 1 and node.args.args[0].arg == "self"
                 and ast.unparse(node.args.args[1].annotation or ast.Constant(None)) not in ("bool", "QModelIndex")}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            func = node.func
            slots: list[ast.expr] = []
            if func.attr == "connect" and isinstance(func.value, ast.Attribute) and func.value.attr in (
                    "clicked", "triggered") and node.args:
                slots = node.args[:1]
            elif func.attr in ("_action", "_add"):  # the main window's and the Account menu's action makers
                slots = [a for a in node.args if isinstance(a, ast.Attribute)][:1]
            for slot in slots:
                if isinstance(slot, ast.Attribute) and isinstance(slot.value, ast.Name) and slot.value.id == "self" \
                        and slot.attr in takes:
                    wrong.append(f"{path.relative_to(root.parent)}:{node.lineno} {ast.unparse(node)}")
    assert not wrong, "\n".join(wrong)
