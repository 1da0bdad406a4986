"""Collecting final reports into the past-projects archive, and publishing the shareable ones.

- `project`: a team's `project.yml` (title, area, abstract, consent), parsed as untrusted input;
- `fetch`: the GitHub side: which commit counts, and only the blobs the archive keeps;
- `layout`: the archive on disk: safe paths, term folders swapped in whole, manifest, zips;
- `gallery`: `past-projects.md` (Jekyll) and a self-contained `index.html`, from every term;
- `publish`: one commit of the gallery into the course website's repository, only if it changed.
"""
