"""HTTP edge: FastAPI app factory, request/response schemas, the chat widget's static files."""
