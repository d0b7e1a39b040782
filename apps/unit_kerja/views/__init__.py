"""Pages of the unit kerja register (``units``), the roster (``roster``), their imports (``imports``), the
years (``cycles``) and penetapan (``penetapan``); ``common`` holds what they share.

Thin shells: one access call, one form, one service call, a flash message and a redirect. Object
pages resolve their id through ``access`` *before* any capability check, so another instansi's
object is always 404 (never a 403 that would confirm it exists). On a service refusal the form is
shown again with the message beside the field, and nothing was saved.
"""
