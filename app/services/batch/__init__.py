"""Predicciones por Lotes: uploaded files scored through the scoring service, results saved and listed."""
from app.services.batch.files import BatchFileInfo, BatchFileNotFound, BatchFiles, BatchOutcome

__all__ = ["BatchFileInfo", "BatchFileNotFound", "BatchFiles", "BatchOutcome"]
