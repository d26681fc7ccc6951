"""First run: the welcome sets language, region and (optionally) the Gemini key; themes apply."""

from __future__ import annotations

from core.app import App


def test_welcome_stores_choices_and_keeps_the_key_in_the_keychain(qtbot, isolated_env, monkeypatch) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.welcome import WelcomeDialog

    monkeypatch.setenv("TZ", "America/Los_Angeles")  # a seller in Los Angeles: the US is not one time zone
    app = App(isolated_env)
    dialog = WelcomeDialog(app)
    qtbot.addWidget(dialog)
    assert dialog.zone.zone() == "America/Los_Angeles"
    dialog.language.setCurrentIndex(dialog.language.findData("hinglish"))
    dialog.region.setCurrentIndex(1)  # United States
    qtbot.keyClicks(dialog.key, "AIzaWelcomeKey-0123456789abcdef")
    start = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    settings = app.settings
    assert (settings.get("general.language"), settings.get("general.currency"), settings.get("general.locale"),
            settings.get("general.timezone")) == ("hinglish", "USD", "en_US", "America/Los_Angeles")
    assert settings.resolve("general.timezone").source == "system"  # it keeps following the computer
    assert settings.get("general.first_run_done") is True
    assert app.secrets.get("gemini:api_key") == "AIzaWelcomeKey-0123456789abcdef"
    assert b"AIzaWelcomeKey" not in (isolated_env / "settings.json").read_bytes()
    app.close()


def test_welcome_takes_another_city_and_refuses_a_mangled_key(qtbot, isolated_env) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox

    from desktop.welcome import WelcomeDialog

    app = App(isolated_env)
    dialog = WelcomeDialog(app)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.zone.set_zone("America/Chicago")
    qtbot.keyClicks(dialog.key, "AIza key pasted with words")
    start = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "pasted together with something else" in dialog.problem.text()
    assert app.settings.get("general.first_run_done") is False
    dialog.key.clear()
    qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
    assert app.settings.get("general.timezone") == "America/Chicago" and app.settings.get("general.first_run_done")
    app.close()


def test_region_choices_show_money_as_sellers_read_it(qtbot, isolated_env) -> None:
    from desktop.welcome import WelcomeDialog

    dialog = WelcomeDialog(App(isolated_env))
    qtbot.addWidget(dialog)
    assert "₹1,23,456.00" in dialog.region.itemText(0)  # Indian digit grouping
    assert "$123,456.00" in dialog.region.itemText(1)


def test_dark_theme_changes_the_palette_and_icons(qtbot, qapp) -> None:
    from PySide6.QtGui import QPalette

    from desktop.theme import apply_theme, icon

    apply_theme(qapp, "dark")
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 60
    dark_icon = icon("add").pixmap(32, 32).toImage()
    apply_theme(qapp, "light")
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 200
    light_icon = icon("add").pixmap(32, 32).toImage()
    assert dark_icon != light_icon  # icons are redrawn in a colour that reads on the dark background
