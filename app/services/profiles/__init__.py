"""Mergeable profiles of the prediction log: counts per (model version, source, day) that every monitoring view
sums instead of reading rows. Written with the rows (:func:`build_fragments`), folded and read by
:class:`ProfileStore` / :class:`ProfileReader`, queried through :class:`ProfileSet`."""
from app.services.profiles.build import ScoredRows, build_fragments
from app.services.profiles.fragment import Fragment
from app.services.profiles.layout import FINE_BINS, ProfileLayout, fine_edges
from app.services.profiles.profile_set import WINDOW_FREQ, Grouping, ProfileSet
from app.services.profiles.reader import ProfileReader
from app.services.profiles.rebuild import RebuildReport, rebuild_profiles
from app.services.profiles.store import ProfileStore

__all__ = ["FINE_BINS", "WINDOW_FREQ", "Fragment", "Grouping", "ProfileLayout", "ProfileReader", "ProfileSet",
           "ProfileStore", "RebuildReport", "ScoredRows", "build_fragments", "fine_edges", "rebuild_profiles"]
