"""The main window: one tab per part of the seller's work."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from core.app import App

_TABS = [
    ("Products", "Your products, their photos and facts."),
    ("Content", "Each platform's title, description and hashtags, ready for you to review."),
    ("Platforms", "Connect Etsy, Shopify, Facebook, Instagram, Pinterest, Meesho, Snapdeal and IndiaMART."),
    ("Schedule", "A calendar of scheduled and published posts."),
    ("Analytics", "Sales and engagement across every platform."),
]


class MainWindow(QMainWindow):
    """SellerDesk's main window."""

    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app
        self.setWindowTitle("SellerDesk")
        self.resize(1200, 800)
        self.tabs = QTabWidget()
        for name, blurb in _TABS:
            page = QWidget()
            layout = QVBoxLayout(page)
            label = QLabel(blurb)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
            self.tabs.addTab(page, name)
        self.setCentralWidget(self.tabs)
        self.statusBar().showMessage(f"Data in {app.data_dir}")
