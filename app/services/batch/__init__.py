"""Predicciones por Lotes: uploaded files scored through the scoring service, results saved and listed."""
from app.services.batch.files import (
                                      BatchFileInfo,
                                      BatchFileNotFound,
                                      BatchFiles,
                                      BatchOutcome,
                                      known_outcomes,
                                      publish_file,
)
from app.services.batch.output import OUTPUT_COLUMNS, ROW_COLUMN

__all__ = ["OUTPUT_COLUMNS", "ROW_COLUMN", "BatchFileInfo", "BatchFileNotFound", "BatchFiles", "BatchOutcome",
           "known_outcomes", "publish_file"]
